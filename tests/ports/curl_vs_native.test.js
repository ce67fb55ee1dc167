// The guest's curl (Debian's curl 7.88.1 built for wasm32-wasi, guest/ports/curl)
// against Debian's native curl of the same version: both make the same plain
// HTTP requests to the same real servers on 127.0.0.1 (tests/browser/curl_server.js),
// the guest through the Node CLI and the relay, and must print the same bytes,
// exit with the same code and report the same error: bodies of every framing,
// redirects, methods and headers, -w after several transfers, reconnecting
// after the server closed an idle connection, 16 MiB, slow and stalled
// responses, and the errors a person meets.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { closedPort } from '../browser/fixtures.js';
import { sha256, startCurlTestServer } from '../browser/curl_server.js';
import { startGuest, usePorts } from './guest_run.js';

const built = usePorts(['curl']);
const nativeCurl = '/usr/bin/curl';

/** @type {Awaited<ReturnType<typeof startCurlTestServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof startCurlTestServer>>} */
let server6;
before(async () => {
  server = await startCurlTestServer();
  server6 = await startCurlTestServer('::1');
});
after(async () => {
  await server?.close();
  await server6?.close();
});

/**
 * Runs native curl to its end. @param {string[]} args
 * @returns {Promise<{ code: number | null, stdout: Buffer, stderr: string }>}
 */
function runNative(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(nativeCurl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const stdout = [];
    let stderr = '';
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
  });
}

/** curl's messages say how long a failed connect or a timed-out transfer took; that alone may differ. @param {string} text */
const withoutTimings = (text) => text.replace(/ after \d+ (ms:|milliseconds)/g, ' after N $1');

/**
 * Runs curl ARGS natively and in the guest; asserts the same stdout, exit code and stderr.
 * @param {string[]} args @param {number} expectedCode
 * @returns {Promise<Buffer>} the stdout both printed
 */
async function same(args, expectedCode = 0) {
  const [native, guest] = await Promise.all([
    runNative(args),
    startGuest(path.join(built.curl, 'src/curl'), args).exited,
  ]);
  assert.equal(native.code, expectedCode, `native curl ${args.join(' ')}: ${native.stderr}`);
  assert.equal(guest.code, native.code, `guest curl ${args.join(' ')}: ${guest.stderr}`);
  if (native.stdout.length > 4096) assert.equal(sha256(guest.stdout), sha256(native.stdout));
  assert.equal(guest.stdout.toString('latin1'), native.stdout.toString('latin1'));
  assert.equal(withoutTimings(guest.stderr), withoutTimings(native.stderr));
  return native.stdout;
}

const url = (/** @type {string} */ route) => `http://127.0.0.1:${server.port}${route}`;

// Every run waits mostly on the network and on Node starting up, so the tests run side by side.
describe("the guest's curl and Debian's native curl print the same", { concurrency: 3 }, () => {
  test('Content-Length, chunked with a trailer, close-delimited and 204 bodies, with headers and HEAD', async () => {
    const [plain, withHeaders] = await Promise.all([
      same(['-sS', url('/hello')]),
      same(['-sS', '-i', url('/hello'), url('/chunked'), url('/close-delimited'), url('/no-content'), url('/missing')]),
      same(['-sS', '-I', url('/hello')]),
    ]);
    assert.equal(plain.toString(), 'hello from a real TCP server\n');
    assert.match(withHeaders.toString(), /third\nX-Checksum: done\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  test('redirects: followed chains with every header section, unfollowed, absolute, 303 after POST, the limit', async () => {
    const [followed, , seeOther] = await Promise.all([
      same(['-sS', '-i', '-L', url('/redirect/3'), url('/absolute')]),
      same(['-sS', '-i', url('/redirect/3')]),
      same(['-sS', '-L', '-d', 'x=1', url('/see-other')]),
      same(['-sS', '-L', '--max-redirs', '1', url('/redirect/3')], 47),
    ]);
    assert.match(followed.toString(), /arrived with GET\n.*hello from a real TCP server\n$/s);
    assert.match(seeOther.toString(), /^GET \/echo\n/);
  });

  test('request methods, bodies and headers reach the server the same way', async () => {
    const [echoed, put] = await Promise.all([
      same(['-sS', '-d', 'a=1', '-d', 'b=2', '-H', 'X-Test: yes', '-A', 'agent/1', url('/echo')]),
      same(['-sS', '-X', 'PUT', '-d', 'body', '-H', 'Accept:', '-H', 'X-Empty;', url('/echo')]),
    ]);
    assert.match(echoed.toString(), /^POST \/echo\n.*user-agent: agent\/1\n.*body: a=1&b=2\n$/s);
    assert.match(put.toString(), /^PUT \/echo\n(?!.*accept:).*x-empty: \nbody: body\n$/s);
  });

  test('-w after several transfers on one connection, and an idle connection the server closed', async () => {
    const format = '%{http_code} %{content_type} %{url_effective} %{size_download} %{num_redirects} %{num_connects} %{method}\\n';
    const [, reconnected] = await Promise.all([
      same(['-sS', '-w', format, '-L', url('/redirect/2'), url('/hello'), url('/chunked'), url('/missing')]),
      same(['-sS', '-w', '%{num_connects}\\n', url('/then-close'), url('/hello'), url('/then-close'), url('/hello')]),
    ]);
    assert.equal(reconnected.toString(), 'bye!!\n1\nhello from a real TCP server\n1\nbye!!\n0\nhello from a real TCP server\n1\n');
  });

  test('a 16 MiB body arrives byte for byte', async () => {
    const body = await same(['-sS', url('/big')]);
    assert.equal(body.length, 16 * 1024 * 1024);
  });

  test('a slow response completes, and -m ends a stalled one with a timeout', async () => {
    const [, cut] = await Promise.all([same(['-sS', url('/slow')]), same(['-sS', '-m', '5', url('/stall')], 28)]);
    assert.equal(cut.toString(), 'stalled after this\n');
  });

  test('errors: HTTP status with -f, refused port, unknown host, bad URL, unknown scheme; an IPv6 literal URL', async () => {
    const port = await closedPort();
    await Promise.all([
      same(['-sS', '-f', '-i', url('/missing')], 22),
      same(['-sS', `http://127.0.0.1:${port}/`], 7),
      same(['-sS', 'http://no-such-host.invalid/'], 6),
      same(['-sS', 'http://bad host/'], 3),
      same(['-sS', 'foo://127.0.0.1/'], 1),
      same(['-sS', '-i', '-w', '%{url_effective}', `http://[::1]:${server6.port}/hello`]),
    ]);
  });
});
