// The Node CLI runner (shim-js/cli.js) end to end: real relay binary, real
// HTTP servers on 127.0.0.1 and ::1, the http_client guest's Asyncify build.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { closedPort, siteDir } from '../browser/fixtures.js';
import { relayAndHttpServer, runCli } from './run_cli.js';

const guest = `${siteDir}/guests/http_client.wasm`;

const servers = relayAndHttpServer(() => ['--dev']);

const wispUrl = () => `ws://127.0.0.1:${servers.relay.port}/wisp/`;

test('cli passes the guest stdout through and exits 0', async () => {
  const result = await runCli([guest, '127.0.0.1', String(servers.http.port), '/hello', '--relay', wispUrl()]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(result.stdout, /hello from a real TCP server\n$/);
});

test('cli runs http_client against an IPv6 literal: a real server on ::1 answers', async () => {
  /** @type {string[]} */
  const hosts = [];
  const server = createServer((request, response) => {
    hosts.push(request.headers.host ?? '');
    response.end(`hello over IPv6 from ${request.socket.remoteAddress}\n`);
  });
  await new Promise((resolve) => server.listen(0, '::1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  try {
    const result = await runCli([guest, '::1', String(port), '/', '--relay', wispUrl()]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(result.stdout, /hello over IPv6 from ::1\n$/, 'the relay reached the server over IPv6 loopback');
    assert.deepEqual(hosts, [`[::1]:${port}`], 'the Host header brackets the literal');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('cli reports connection refused on stderr with the guest exit code', async () => {
  const port = await closedPort();
  const result = await runCli([guest, '127.0.0.1', String(port), '/', '--relay', wispUrl()]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, new RegExp(`connect to 127\\.0\\.0\\.1 port ${port}: Connection refused`));
});

test('cli says so when the relay cannot be reached', async () => {
  const port = await closedPort();
  const result = await runCli([guest, '127.0.0.1', '80', '/', '--relay', `ws://127.0.0.1:${port}/wisp/`]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /could not connect to the relay/);
  assert.match(result.stderr, /Network unreachable/);
});

test('cli without --relay prints usage and exits 125', async () => {
  const result = await runCli([guest]);
  assert.equal(result.code, 125);
  assert.match(result.stderr, /--relay is required/);
});

test('calls the host does not serve return ENOSYS instead of trapping the guest', async () => {
  const result = await runCli([`${siteDir}/guests/unsupported_calls.wasm`, '--relay', wispUrl()]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'fd_renumber: 52\nsockatmark: -52\n');
});
