// A guest other than curl speaking TLS with mbedTLS directly: guest/demos/tls_client.c,
// built here by the SDK's sockbridge-cc against the mbedTLS port
// (-lmbedtls -lmbedx509 -lmbedcrypto from build/sdk), run through the Node
// CLI and the relay against `openssl s_server` and nginx with a test CA.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { closedPort } from '../browser/fixtures.js';
import { sdkDir } from '../../guest/ports/build.mjs';
import { startGuest, usePorts } from './guest_run.js';
import { serverName, startTlsServers, untilListening } from './tls_peers.js';

usePorts(['mbedtls']);
const root = new URL('../..', import.meta.url).pathname;
const program = path.join(path.dirname(sdkDir), 'tls_client', 'tls_client.wasm');
const hello = 'hello from a TLS server\n';

/** @type {Awaited<ReturnType<typeof startTlsServers>>} */
let tls;
/** @type {import('node:child_process').ChildProcess} */
let opensslServer;
let opensslPort = 0;
/** The guest's files: the test CA, and an /etc/hosts that names the servers. */
const files = () => ({ '/test-ca.pem': tls.caFile, '/etc/hosts': path.join(tls.dir, 'hosts') });

before(async () => {
  mkdirSync(path.dirname(program), { recursive: true });
  await promisify(execFile)(
    path.join(sdkDir, 'bin', 'sockbridge-cc'),
    ['-O2', '-Wall', '-Wextra', '-Werror', path.join(root, 'guest/demos/tls_client.c'),
      '-lmbedtls', '-lmbedx509', '-lmbedcrypto', '-o', program],
  );
  tls = await startTlsServers({ 'hello.txt': hello });
  writeFileSync(path.join(tls.dir, 'hosts'), `127.0.0.1 ${serverName}\n`);
  opensslPort = await closedPort();
  opensslServer = spawn(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${opensslPort}`, '-cert', path.join(tls.dir, 'ecdsa.pem'),
      '-key', path.join(tls.dir, 'ecdsa.key'), '-WWW', '-quiet'],
    // -WWW serves files relative to its working directory.
    { cwd: path.join(tls.dir, 'www'), stdio: 'ignore' },
  );
  await untilListening(opensslPort);
});
after(() => {
  opensslServer?.kill('SIGTERM');
  tls?.stop();
});

/** @param {string[]} args */
async function tlsClient(args) {
  const result = await startGuest(program, args, { files: files() }).exited;
  return { ...result, text: result.stdout.toString() };
}

test('tls_client fetches a page from openssl s_server (ECDSA), verified against the test CA', async () => {
  const { code, text, stderr } = await tlsClient([serverName, String(opensslPort), '/test-ca.pem', '/hello.txt']);
  assert.equal(code, 0, stderr);
  assert.match(text, /^HTTP\/1\.0 200 ok\r\n/);
  assert.ok(text.endsWith(`\r\n\r\n${hello}`), text);
  assert.match(stderr, /^tls_client: TLSv1\.2, TLS-ECDHE-ECDSA-/m);
});

test('tls_client fetches a page from nginx (RSA), verified against the test CA', async () => {
  const { code, text, stderr } = await tlsClient([serverName, String(tls.ports.rsa), '/test-ca.pem', '/hello.txt']);
  assert.equal(code, 0, stderr);
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(text.endsWith(hello), text);
});

test('tls_client refuses an expired certificate and a certificate for another name', async () => {
  const expired = await tlsClient([serverName, String(tls.ports.expired), '/test-ca.pem']);
  assert.equal(expired.code, 1, expired.stderr);
  assert.match(expired.stderr, /The certificate validity has expired/);
  const wrongName = await tlsClient([serverName, String(tls.ports.wrongName), '/test-ca.pem']);
  assert.equal(wrongName.code, 1, wrongName.stderr);
  assert.match(wrongName.stderr, /The certificate Common Name \(CN\) does not match with the expected CN/);
  assert.equal(expired.text + wrongName.text, '');
});
