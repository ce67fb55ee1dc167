// shim-js's relay_key.js reads every form run({ relayKey }) takes, and its
// signatures verify with node:crypto (OpenSSL) against the public key the
// relay would list; anything that is not an Ed25519 private key is refused
// with a sentence saying what to give instead. Keys are written by node:crypto
// and by ssh-keygen, not by the code under test.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { relaySigner } from '../../shim-js/src/relay_key.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-key-formats-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An ssh-keygen key file: its private file's bytes and its raw 32-byte public key. */
function sshKeygen(/** @type {string} */ name, /** @type {string[]} */ options) {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-C', name, '-f', file, ...options]);
  const blob = Buffer.from(readFileSync(`${file}.pub`, 'utf8').split(' ')[1], 'base64');
  return { bytes: readFileSync(file), raw: blob.subarray(blob.length - 32) };
}

/** Signs a challenge with the signer and checks it as the relay would: hash names the key, signature verifies. */
async function assertSignsFor(/** @type {import('../../shim-js/src/relay_key.js').RelayKey} */ key, /** @type {Buffer} */ raw) {
  const signer = await relaySigner(key);
  assert.deepEqual(Buffer.from(signer.keyHash), crypto.createHash('sha256').update(raw).digest(), 'SHA-256 of the raw public key');
  const challenge = crypto.randomBytes(64);
  const signature = await signer.sign(new Uint8Array(challenge));
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  assert.ok(crypto.verify(null, challenge, publicKey, signature), 'the signature verifies');
}

const generated = crypto.generateKeyPairSync('ed25519');
const generatedRaw = Buffer.from(/** @type {string} */ (generated.publicKey.export({ format: 'jwk' }).x), 'base64url');

test('PKCS#8 as PEM text, PEM bytes, DER bytes and an ArrayBuffer sign for the same key', async () => {
  const pem = /** @type {string} */ (generated.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const der = /** @type {Buffer} */ (generated.privateKey.export({ format: 'der', type: 'pkcs8' }));
  await assertSignsFor(pem, generatedRaw);
  await assertSignsFor(new TextEncoder().encode(pem), generatedRaw);
  await assertSignsFor(new Uint8Array(der), generatedRaw);
  await assertSignsFor(new Uint8Array(der).slice().buffer, generatedRaw);
});

test('an OpenSSH private key from ssh-keygen signs for its public key', async () => {
  const key = sshKeygen('id_ed25519', ['-t', 'ed25519', '-N', '']);
  await assertSignsFor(key.bytes, key.raw);
  await assertSignsFor(new TextDecoder().decode(key.bytes), key.raw);
});

test('an extractable CryptoKey and a non-extractable CryptoKeyPair sign; a non-extractable key alone is refused', async () => {
  const der = /** @type {Buffer} */ (generated.privateKey.export({ format: 'der', type: 'pkcs8' }));
  const extractable = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
  await assertSignsFor(extractable, generatedRaw);
  const pair = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']));
  await assertSignsFor(pair, Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)));
  await assert.rejects(relaySigner(pair.privateKey), /relayKey: this CryptoKey is not extractable.*pass the CryptoKeyPair/);
});

test('keys that are not an unencrypted Ed25519 private key are refused, saying what to give', async () => {
  const rsa = sshKeygen('id_rsa', ['-t', 'rsa', '-b', '2048', '-N', '']);
  await assert.rejects(relaySigner(rsa.bytes), /relayKey: the OpenSSH key is ssh-rsa; Wisp key authentication takes Ed25519 keys only/);
  const locked = sshKeygen('locked', ['-t', 'ed25519', '-N', 'secret']);
  await assert.rejects(relaySigner(locked.bytes), /relayKey: the OpenSSH key is protected by a passphrase/);
  const encrypted = generated.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' });
  await assert.rejects(relaySigner(/** @type {string} */ (encrypted)), /relayKey: the PKCS#8 key is encrypted/);
  const rsaPkcs8 = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
  await assert.rejects(relaySigner(/** @type {string} */ (rsaPkcs8)), /relayKey: not an Ed25519 private key in PKCS#8/);
  await assert.rejects(relaySigner(readFileSync(path.join(dir, 'id_ed25519.pub'))), /relayKey: this is a public key/);
  await assert.rejects(relaySigner('not a key'), /relayKey: expected an Ed25519 private key: PKCS#8 PEM .* or OpenSSH/);
  await assert.rejects(relaySigner(/** @type {any} */ (42)), /relayKey: expected PEM text, key bytes, a CryptoKey or a CryptoKeyPair/);
});
