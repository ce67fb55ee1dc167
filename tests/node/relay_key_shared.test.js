// Key login on a shared relay connection: several runs over one RelayConnection
// (one Wisp session) against the real relay with --authorized-keys. Each
// run's kernel signs the session's one challenge; Ed25519 signatures are
// deterministic, so the INFO replies are the same bytes and the mux lets every
// run share the session's login. A run with another key would change the
// login: the mux refuses it with a sentence naming relayKey.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { siteDir } from '../browser/fixtures.js';
import { relayAndHttpServer } from './run_cli.js';
import { RelayConnection, run } from '../../shim-js/src/embed.js';

if (!globalThis.WebSocket) /** @type {any} */ (globalThis).WebSocket = (await import('ws')).WebSocket;

const hostUrl = pathToFileURL(`${siteDir}/host/host.js`);
const hostWasm = readFileSync(`${siteDir}/host/host.wasm`);
const httpClient = await WebAssembly.compile(readFileSync(`${siteDir}/guests/http_client.asyncify.wasm`));

const newKey = () => crypto.generateKeyPairSync('ed25519');
const listed = newKey();
const other = newKey();
const pkcs8 = (/** @type {crypto.KeyObject} */ key) => /** @type {string} */ (key.export({ format: 'pem', type: 'pkcs8' }));

let dir = '';
let keys = '';
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-shared-keys-'));
  keys = path.join(dir, 'authorized_keys');
  writeFileSync(keys, `${listed.publicKey.export({ format: 'pem', type: 'spki' })}${other.publicKey.export({ format: 'pem', type: 'spki' })}`);
});
after(() => rmSync(dir, { recursive: true, force: true }));
const servers = relayAndHttpServer(() => ['--dev', '--authorized-keys', keys]);

/** Fetches /hello with this key over `connection`; resolves to what the run printed and reported. */
async function fetchHello(/** @type {RelayConnection} */ connection, /** @type {string} */ relayKey) {
  const result = { code: /** @type {number | null} */ (null), output: '', statuses: /** @type {string[]} */ ([]) };
  result.code = await run({
    guest: httpClient,
    programName: 'http_client',
    args: ['127.0.0.1', String(servers.http.port), '/hello'],
    relay: connection,
    relayKey,
    blocking: 'asyncify',
    hostUrl,
    hostOverrides: { wasmBinary: hostWasm },
    stdout: (bytes) => (result.output += Buffer.from(bytes).toString()),
    stderr: (bytes) => (result.output += Buffer.from(bytes).toString()),
    onStatus: (message) => result.statuses.push(message),
  });
  return result;
}

const sessionsOpened = () => servers.relay.log.filter((/** @type {string} */ line) => line.includes('"session_open"')).length;

test('runs with the same key share one session and its login', async () => {
  const before = sessionsOpened();
  const connection = new RelayConnection(`ws://127.0.0.1:${servers.relay.port}/wisp/`);
  const results = await Promise.all([fetchHello(connection, pkcs8(listed.privateKey)), fetchHello(connection, pkcs8(listed.privateKey))]);
  connection.dispose();
  for (const result of results) {
    assert.equal(result.code, 0, result.statuses.join('\n'));
    assert.match(result.output, /hello from a real TCP server\n$/);
  }
  assert.equal(sessionsOpened() - before, 1);
});

test('a run with another key on the same connection is refused, naming relayKey', async () => {
  const connection = new RelayConnection(`ws://127.0.0.1:${servers.relay.port}/wisp/`);
  const first = await fetchHello(connection, pkcs8(listed.privateKey));
  assert.equal(first.code, 0, first.statuses.join('\n'));
  const second = await fetchHello(connection, pkcs8(other.privateKey));
  connection.dispose();
  assert.equal(second.code, 1);
  assert.match(second.statuses.join('\n'), /programs sharing a connection must pass the same relayAuth and relayKey/);
});
