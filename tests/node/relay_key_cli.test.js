// Key login (Wisp extension 0x03) from the client side: a guest run through
// the Node CLI with --relay-key against the real relay started with
// --authorized-keys. The kernel reads the relay's challenge, shim-js signs it
// with WebCrypto's Ed25519, the relay checks it with OpenSSL. Keys come from
// node:crypto (PKCS#8 PEM) and from ssh-keygen (OpenSSH private key format),
// so two independent writers of each format are read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { siteDir } from '../browser/fixtures.js';
import { relayAndHttpServer, runCli, until } from './run_cli.js';

const guest = `${siteDir}/guests/http_client.wasm`;

/** A PKCS#8 private key and its public half as a PEM PUBLIC KEY block. */
function newPemKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  return {
    privatePem: /** @type {string} */ (privateKey.export({ format: 'pem', type: 'pkcs8' })),
    publicPem: /** @type {string} */ (publicKey.export({ format: 'pem', type: 'spki' })),
  };
}

let dir = '';
let keys = '';
const files = { pem: '', openssh: '', stranger: '', rsa: '', publicOnly: '' };

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-relay-key-'));
  const authorized = newPemKey();
  files.pem = path.join(dir, 'client.pem');
  writeFileSync(files.pem, authorized.privatePem);
  files.stranger = path.join(dir, 'stranger.pem');
  writeFileSync(files.stranger, newPemKey().privatePem);
  files.openssh = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'carol@desk', '-f', files.openssh]);
  files.publicOnly = `${files.openssh}.pub`;
  files.rsa = path.join(dir, 'id_rsa');
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', files.rsa]);
  keys = path.join(dir, 'authorized_keys');
  writeFileSync(keys, `${authorized.publicPem}${readFileSync(files.publicOnly, 'utf8')}`);
});
after(() => rmSync(dir, { recursive: true, force: true }));
const servers = relayAndHttpServer(() => ['--dev', '--authorized-keys', keys]);

const fetchHello = (/** @type {string[]} */ options) =>
  runCli([guest, '127.0.0.1', String(servers.http.port), '/hello', '--relay', `ws://127.0.0.1:${servers.relay.port}/wisp/`, ...options]);

test('a PKCS#8 key the relay lists logs in, and the guest fetches through it', async () => {
  const result = await fetchHello(['--relay-key', files.pem]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /hello from a real TCP server\n$/);
  await until(
    () => servers.relay.log.some((line) => line.includes('"session_login"') && line.includes('"key:')),
    'the key login in the relay log',
  );
});

test('an OpenSSH private key from ssh-keygen logs in, named by its comment in the relay log', async () => {
  const result = await fetchHello(['--relay-key', files.openssh]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /hello from a real TCP server\n$/);
  await until(() => servers.relay.log.some((line) => line.includes('"user":"key:carol@desk"')), 'key:carol@desk in the relay log');
});

test('a key the relay does not list is refused: EACCES for the connect and 0xc1 in plain words', async () => {
  const result = await fetchHello(['--relay-key', files.stranger]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Permission denied/);
  assert.match(result.stderr, /relay closed the session: authentication failed: bad signature/);
  assert.match(result.stderr, /refused the key login \(close reason 0xc1 .*not one of the keys in its --authorized-keys file/);
});

test('no key at all is refused as authentication required, naming --relay-key', async () => {
  const result = await fetchHello([]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /requires a login \(close reason 0xc2.*--relay-key FILE/);
});

test('a key file that is not an Ed25519 private key stops the CLI before it connects, saying why', async () => {
  const cases = [
    [files.rsa, /relayKey: the OpenSSH key is ssh-rsa; Wisp key authentication takes Ed25519 keys only/],
    [files.publicOnly, /relayKey: this is a public key; relayKey is the private key/],
    [path.join(dir, 'missing'), /--relay-key .*missing: cannot read the key file \(ENOENT\)/],
  ];
  for (const [file, message] of cases) {
    const result = await fetchHello(['--relay-key', /** @type {string} */ (file)]);
    assert.equal(result.code, 125, result.stderr);
    assert.match(result.stderr, /** @type {RegExp} */ (message));
  }
});
