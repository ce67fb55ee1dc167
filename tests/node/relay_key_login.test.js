// Wisp key authentication (extension 0x03) against the real relay started with
// --authorized-keys: a client speaking the bytes of the Wisp v2 spec (draft 6)
// over a plain WebSocket, signing with node:crypto's Ed25519 (an independent
// implementation from the relay's OpenSSL). An authorized key logs in with its
// SHA-256 hash (draft 6) or its SHA-512 hash (as epoxy names keys); an
// unlisted key is refused with 0xc1, no answer with 0xc2, and so is Wisp v1.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';

import { startRelay } from '../browser/fixtures.js';
import { PACKET_TYPES, infoRecords, readHeader } from '../../shim-js/src/wisp.js';
import { until } from './run_cli.js';

const KEY_AUTH = 0x03;
const ED25519 = 0x01;

/** @returns {{ privateKey: crypto.KeyObject, raw: Buffer, pem: string }} */
function newKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = Buffer.from(/** @type {string} */ (publicKey.export({ format: 'jwk' }).x), 'base64url');
  return { privateKey, raw, pem: /** @type {string} */ (publicKey.export({ format: 'pem', type: 'spki' })) };
}

/** The OpenSSH form of a raw Ed25519 key: ssh-ed25519 BASE64 comment. */
function opensshLine(/** @type {Buffer} */ raw, /** @type {string} */ comment) {
  const field = (/** @type {Buffer} */ bytes) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
  return `ssh-ed25519 ${Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]).toString('base64')} ${comment}`;
}

const pemKey = newKey();
const sshKey = newKey();
const strangerKey = newKey();
let dir = '';
/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-keys-'));
  const file = path.join(dir, 'authorized_keys');
  writeFileSync(file, `# who may log in\n${pemKey.pem}\n${opensshLine(sshKey.raw, 'bob@laptop')}\n`);
  relay = await startRelay(['--dev', '--authorized-keys', file]);
});
after(() => {
  relay.process.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** u8 type, u32 LE stream id, payload. */
function frame(/** @type {number} */ type, /** @type {number} */ streamId, /** @type {Buffer} */ payload) {
  const header = Buffer.alloc(5);
  header.writeUInt8(type, 0);
  header.writeUInt32LE(streamId, 1);
  return Buffer.concat([header, payload]);
}

/** A client INFO (v2.0) with these extension records. */
function clientInfo(/** @type {{ id: number, metadata: Buffer }[]} */ records) {
  const parts = [Buffer.from([2, 0])];
  for (const { id, metadata } of records) {
    const head = Buffer.alloc(5);
    head.writeUInt8(id, 0);
    head.writeUInt32LE(metadata.length, 1);
    parts.push(head, metadata);
  }
  return frame(PACKET_TYPES.info.value, 0, Buffer.concat(parts));
}

/**
 * Opens a session (Wisp v2 unless `v1`), hands the relay's INFO to `answer`
 * (which returns the client INFO to send, or null for none) and resolves with
 * the relay's next frame on stream 0: { type, reason } (reason for CLOSE).
 * @param {(relayInfo: Uint8Array) => Buffer | null} answer
 * @param {{ v1?: boolean }} [options]
 */
function session(answer, { v1 = false } = {}) {
  const socket = new WebSocket(`ws://127.0.0.1:${relay.port}/wisp/`, v1 ? [] : ['wisp-v2']);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer from the relay')), 5000);
    let gotInfo = false;
    socket.on('message', (data) => {
      const bytes = new Uint8Array(/** @type {Buffer} */ (data));
      const header = readHeader(bytes);
      if (!gotInfo && header?.type === PACKET_TYPES.info.value) {
        gotInfo = true;
        const reply = answer(bytes);
        if (reply) socket.send(reply);
        return;
      }
      clearTimeout(timer);
      socket.close();
      resolve({ type: header?.type, reason: header?.type === PACKET_TYPES.close.value ? bytes[5] : undefined });
    });
    socket.on('error', reject);
  });
}

/** The key answer for the relay's INFO: Ed25519 signature of its challenge, key named by `hash`. */
function signChallenge(/** @type {Uint8Array} */ relayInfo, /** @type {ReturnType<typeof newKey>} */ key, hash = 'sha256') {
  const offer = infoRecords(relayInfo).find((record) => record.id === KEY_AUTH);
  assert.ok(offer, 'the relay offers key auth');
  assert.equal(offer.metadata[0], 1, 'required');
  assert.equal(offer.metadata[1] & ED25519, ED25519, 'Ed25519 offered');
  const challenge = offer.metadata.subarray(2);
  assert.equal(challenge.length, 64);
  const signature = crypto.sign(null, challenge, key.privateKey);
  const keyHash = crypto.createHash(hash).update(key.raw).digest();
  return clientInfo([{ id: KEY_AUTH, metadata: Buffer.concat([Buffer.from([ED25519]), keyHash, signature]) }]);
}

const CONTINUE = PACKET_TYPES.continue.value;
const CLOSE = PACKET_TYPES.close.value;

test('an authorized PEM key signs the challenge and the session opens (SHA-256 key hash, draft 6)', async () => {
  assert.deepEqual(await session((info) => signChallenge(info, pemKey)), { type: CONTINUE, reason: undefined });
  await until(() => relay.log.some((line) => line.includes('"session_login"') && line.includes('"key:')), 'the key login in the relay log');
});

test('an authorized OpenSSH key logs in too, and is named by its comment in the log', async () => {
  assert.deepEqual(await session((info) => signChallenge(info, sshKey)), { type: CONTINUE, reason: undefined });
  await until(() => relay.log.some((line) => line.includes('"user":"key:bob@laptop"')), 'key:bob@laptop in the relay log');
});

test('a key named by its SHA-512 hash, as epoxy sends it, logs in', async () => {
  assert.deepEqual(await session((info) => signChallenge(info, pemKey, 'sha512')), { type: CONTINUE, reason: undefined });
});

test('each session gets its own challenge: a signature from another session is refused with 0xc1', async () => {
  let replayed = Buffer.alloc(0);
  await session((info) => (replayed = signChallenge(info, pemKey)));
  assert.deepEqual(await session(() => replayed), { type: CLOSE, reason: 0xc1 });
});

test('a key not in the file is refused with auth_bad_signature (0xc1)', async () => {
  assert.deepEqual(await session((info) => signChallenge(info, strangerKey)), { type: CLOSE, reason: 0xc1 });
});

test('an INFO without a key answer is refused with auth_required (0xc2), and so is Wisp v1', async () => {
  assert.deepEqual(await session(() => clientInfo([])), { type: CLOSE, reason: 0xc2 });
  assert.deepEqual(await session(() => null, { v1: true }), { type: CLOSE, reason: 0xc2 });
});

test('a keys file with another key type or no keys stops the relay at start, naming the file and line', async () => {
  const file = path.join(dir, 'bad_keys');
  writeFileSync(file, '# comment\nssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== someone\n');
  await assert.rejects(startRelay(['--dev', '--authorized-keys', file]), new RegExp(`${file} line 2: expected an Ed25519 key`));
  writeFileSync(file, '# nobody\n');
  await assert.rejects(startRelay(['--dev', '--authorized-keys', file]), /no keys in the authorized keys file/);
});
