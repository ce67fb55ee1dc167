// The guest's libcurl layer against the real libcurl: curl_demo.c built
// natively against Debian's libcurl (curl_demo_native) and the same source
// built for wasm32-wasi over guest/libcurl, run by the Node CLI runner through
// the real relay, make the same requests to the same real HTTP servers and
// must print the same bytes, exit with the same code and report the same error.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { sha256, startCurlTestServer } from '../browser/curl_server.js';
import { closedPort, siteDir, startRelay } from '../browser/fixtures.js';

const buildDir = path.dirname(siteDir);
const nativeCurlDemo = path.join(buildDir, 'tests', 'node', 'curl_demo_native');
const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;
const guest = path.join(siteDir, 'guests', 'curl_demo.wasm');
const nativeApiProgram = path.join(buildDir, 'tests', 'node', 'libcurl_api_native');
const apiGuest = path.join(siteDir, 'guests', 'libcurl_api.wasm');

/**
 * Runs a program to its end. @param {string} program @param {string[]} args
 * @returns {Promise<{ code: number | null, stdout: Buffer, stderr: string }>}
 */
function runProgram(program, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const stdout = [];
    let stderr = '';
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
  });
}

let relay;
let server;
let server6;
before(async () => {
  relay = await startRelay(['--dev']);
  server = await startCurlTestServer();
  server6 = await startCurlTestServer('::1');
});
after(async () => {
  relay.process.kill('SIGTERM');
  await server.close();
  await server6.close();
});

/** The relay URL for the CLI runner. */
const wispUrl = () => `ws://127.0.0.1:${relay.port}/wisp/`;

/**
 * Runs curl_demo ARGS both ways and asserts the same stdout, exit code and first stderr line.
 * @param {string[]} args @param {number} expectedCode
 * @returns {Promise<Buffer>} the stdout both printed
 */
async function same(args, expectedCode = 0) {
  const [native, wasm] = await Promise.all([
    runProgram(nativeCurlDemo, args),
    runProgram(process.execPath, [cli, guest, '--relay', wispUrl(), '--', ...args]),
  ]);
  assert.equal(native.code, expectedCode, `native curl_demo ${args.join(' ')}: ${native.stderr}`);
  assert.equal(wasm.code, native.code, `wasm curl_demo ${args.join(' ')}: ${wasm.stderr}`);
  if (native.stdout.length > 4096) assert.equal(sha256(wasm.stdout), sha256(native.stdout));
  assert.equal(wasm.stdout.toString('latin1'), native.stdout.toString('latin1'));
  assert.equal(wasm.stderr.split('\n')[0], native.stderr.split('\n')[0]);
  return native.stdout;
}

const url = (/** @type {string} */ route) => `http://127.0.0.1:${server.port}${route}`;

// Every run waits mostly on the network and on Node starting up, so the tests run side by side.
describe('curl_demo and libcurl_api, native libcurl vs guest', { concurrency: 3 }, () => {
  test('Content-Length, chunked with a trailer, close-delimited and 204 bodies, with headers and HEAD', async () => {
    const [plain, withHeaders] = await Promise.all([
      same([url('/hello')]),
      same(['-i', url('/hello'), url('/chunked'), url('/close-delimited'), url('/no-content'), url('/missing')]),
      same(['-I', url('/hello')]),
    ]);
    assert.equal(plain.toString(), 'hello from a real TCP server\n');
    assert.match(withHeaders.toString(), /third\nX-Checksum: done\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  test('redirects: followed chains with every header section, unfollowed, absolute, 303 after POST, the limit', async () => {
    const [followed, , seeOther] = await Promise.all([
      same(['-i', '-L', url('/redirect/3'), url('/absolute')]),
      same(['-i', url('/redirect/3')]),
      same(['-L', '-d', 'x=1', url('/see-other')]),
      same(['-L', '--max-redirs', '1', url('/redirect/3')], 47),
    ]);
    assert.match(followed.toString(), /arrived with GET\n.*hello from a real TCP server\n$/s);
    assert.match(seeOther.toString(), /^GET \/echo\n/);
  });

  test('request methods, bodies and headers reach the server the same way', async () => {
    const [echoed] = await Promise.all([
      same(['-d', 'a=1', '-d', 'b=2', '-H', 'X-Test: yes', '-A', 'agent/1', url('/echo')]),
      same(['-X', 'PUT', '-d', 'body', '-H', 'Accept:', '-H', 'X-Empty;', url('/echo')]),
    ]);
    assert.match(echoed.toString(), /^POST \/echo\n.*user-agent: agent\/1\n.*body: a=1&b=2\n$/s);
  });

  test('getinfo after several transfers on one handle, and an idle connection the server closed', async () => {
    const format = '%{http_code} %{content_type} %{url_effective} %{size_download} %{num_redirects} %{num_connects} %{method}\\n';
    const [, reconnected] = await Promise.all([
      same(['-w', format, '-L', url('/redirect/2'), url('/hello'), url('/chunked'), url('/missing')]),
      same(['-w', '%{num_connects}\\n', url('/then-close'), url('/hello'), url('/then-close'), url('/hello')]),
    ]);
    assert.equal(reconnected.toString(), 'bye!!\n1\nhello from a real TCP server\n1\nbye!!\n0\nhello from a real TCP server\n1\n');
  });

  test('a 16 MiB body arrives byte for byte', async () => {
    const body = await same([url('/big')]);
    assert.equal(body.length, 16 * 1024 * 1024);
  });

  test('a slow response completes, and -m ends a stalled one with a timeout', async () => {
    const [, cut] = await Promise.all([same([url('/slow')]), same(['-m', '5', url('/stall')], 28)]);
    assert.equal(cut.toString(), 'stalled after this\n');
  });

  test('errors: HTTP status with -f, refused port, unknown host, bad URL; an IPv6 literal URL', async () => {
    const port = await closedPort();
    await Promise.all([
      same(['-f', '-i', url('/missing')], 22),
      same([`http://127.0.0.1:${port}/`], 7),
      same(['http://no-such-host.invalid/'], 6),
      same(['http://bad host/'], 3),
      same(['-i', '-w', '%{url_effective}', `http://[::1]:${server6.port}/hello`]),
    ]);
  });

  test('the easy API beyond curl_demo: duphandle, reset, binary and copied POST bodies, getinfo, refusing callbacks', async () => {
    const args = [`http://127.0.0.1:${server.port}`, String(await closedPort())];
    const [native, wasm] = await Promise.all([
      runProgram(nativeApiProgram, args),
      runProgram(process.execPath, [cli, apiGuest, '--relay', wispUrl(), '--', ...args]),
    ]);
    assert.equal(native.code, 0, native.stderr);
    assert.equal(wasm.code, 0, wasm.stderr);
    assert.match(native.stdout.toString(), /duphandle connects: 1\nsame handle again: .*\nreused connects: 0\n/s);
    assert.equal(wasm.stdout.toString(), native.stdout.toString());
  });
});
