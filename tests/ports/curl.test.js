// curl 7.88.1 from Debian, built unmodified with mbedTLS 2.28 and zlib, both
// ports too (guest/ports/curl): the real curl command line in the guest, over
// plain HTTP against Node's http server and over HTTPS against Debian's nginx
// with a test CA (tests/ports/tls_peers.js), TLS inside the guest, so the relay
// only ever carries ciphertext.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import zlib from 'node:zlib';

import { serverName, startTlsServers } from './tls_peers.js';
import { startGuest, usePorts } from './guest_run.js';

const built = usePorts(['curl']);
const hello = 'hello over TLS\n';
const bigBody = randomBytes(16 << 20);
const text = 'sockbridge compressible line\n'.repeat(4000);

/** @type {Awaited<ReturnType<typeof startTlsServers>>} */
let tls;
/** Every request the plain HTTP server got: method, url, headers, body. */
const seen = /** @type {{ method: string, url: string, headers: http.IncomingHttpHeaders, body: string }[]} */ ([]);
/** @type {http.Server} */
let plain;
let plainPort = 0;

/** Node's http server: the routes the plain-HTTP tests use. */
function plainHttp() {
  return http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (request.url === '/hello') {
        response.writeHead(200, { 'Content-Type': 'text/plain', 'X-Test': 'yes', 'Content-Length': '6' });
        response.end('hello\n');
      } else if (request.url === '/redirect') {
        response.writeHead(302, { Location: '/hello' }).end();
      } else if (request.url === '/to-https') {
        response.writeHead(301, { Location: `https://${serverName}:${tls.ports.rsa}/hello.txt` }).end();
      } else if (request.url === '/echo') {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ method: request.method, custom: request.headers['x-custom'], body }));
      } else if (request.url === '/gzip') {
        // Chunked (no Content-Length), gzip-encoded when the client asks for it.
        const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding']));
        response.writeHead(200, gzip ? { 'Content-Encoding': 'gzip' } : {});
        const encoded = gzip ? zlib.gzipSync(text) : Buffer.from(text);
        for (let at = 0; at < encoded.length; at += 1000) response.write(encoded.subarray(at, at + 1000));
        response.end();
      } else {
        response.writeHead(404).end('not here\n');
      }
    });
  });
}

before(async () => {
  tls = await startTlsServers({ 'hello.txt': hello, 'big.bin': bigBody, 'text.txt': text });
  plain = plainHttp();
  await new Promise((resolve) => plain.listen(0, '127.0.0.1', () => resolve(undefined)));
  plainPort = /** @type {net.AddressInfo} */ (plain.address()).port;
});
after(() => {
  tls?.stop();
  plain?.close();
});

/**
 * Runs the guest's curl; resolves to its exit code and output.
 * @param {string[]} args @param {Record<string, string>} [files]  guest path → host path
 */
async function curl(args, files = {}) {
  const result = await startGuest(path.join(built.curl, 'src/curl'), args, { files }).exited;
  return { ...result, text: result.stdout.toString() };
}

/** curl's arguments to reach a TLS server by its name, trusting the test CA. @param {number} port */
const trusting = (port) => ['--cacert', '/test-ca.pem', '--resolve', `${serverName}:${port}:127.0.0.1`];
const caFiles = () => ({ '/test-ca.pem': tls.caFile });
/** @param {number} port @param {string} file */
const tlsUrl = (port, file) => `https://${serverName}:${port}/${file}`;

test('curl -i shows the status line and headers, then the body (plain HTTP)', async () => {
  const { code, text: shown, stderr } = await curl(['-sS', '-i', `http://127.0.0.1:${plainPort}/hello`]);
  assert.equal(code, 0, stderr);
  assert.match(shown, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(shown, /\r\nX-Test: yes\r\n/);
  assert.ok(shown.endsWith('\r\n\r\nhello\n'), shown);
});

test('curl -I sends HEAD and shows only the headers', async () => {
  const { code, text: shown, stderr } = await curl(['-sS', '-I', `http://127.0.0.1:${plainPort}/hello`]);
  assert.equal(code, 0, stderr);
  assert.match(shown, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(shown, /\r\nContent-Length: 6\r\n/);
  assert.ok(shown.endsWith('\r\n\r\n'), 'no body after the headers');
  assert.equal(seen.at(-1)?.method, 'HEAD');
});

test('curl follows a redirect with -L and reports the code with -w without it', async () => {
  const followed = await curl(['-sS', '-L', '-w', '%{http_code} %{num_redirects}', `http://127.0.0.1:${plainPort}/redirect`]);
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal(followed.text, 'hello\n200 1');
  const stayed = await curl(['-sS', '-o', '-', '-w', '%{http_code}', `http://127.0.0.1:${plainPort}/redirect`]);
  assert.equal(stayed.text, '302');
});

test('curl -d POSTs the form body with the -H header', async () => {
  const { code, text: shown, stderr } = await curl([
    '-sS', '-d', 'a=1&b=two', '-H', 'X-Custom: from the guest', `http://127.0.0.1:${plainPort}/echo`,
  ]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(shown), { method: 'POST', custom: 'from the guest', body: 'a=1&b=two' });
  assert.equal(seen.at(-1)?.headers['content-type'], 'application/x-www-form-urlencoded');
});

test('curl --compressed asks for gzip and inflates a chunked gzip body (zlib)', async () => {
  const { code, text: shown, stderr } = await curl(['-sS', '--compressed', '-o', '-', `http://127.0.0.1:${plainPort}/gzip`]);
  assert.equal(code, 0, stderr);
  assert.equal(shown, text);
  assert.match(String(seen.at(-1)?.headers['accept-encoding']), /\bgzip\b/);
  const raw = await curl(['-sS', '-i', `http://127.0.0.1:${plainPort}/gzip`]);
  assert.match(raw.text, /\r\nTransfer-Encoding: chunked\r\n/);
});

test('curl --cacert fetches over TLS from an RSA server; TLS 1.2 is negotiated with a server offering 1.2 and 1.3', async () => {
  const { code, text: shown, stderr } = await curl(
    ['-sS', ...trusting(tls.ports.rsa), '-w', '%{ssl_verify_result}', tlsUrl(tls.ports.rsa, 'hello.txt')],
    caFiles(),
  );
  assert.equal(code, 0, stderr);
  assert.equal(shown, `${hello}0`);
  const line = tls.accessLog().find(([port, , , , , request]) => port === String(tls.ports.rsa) && request === '"GET');
  assert.equal(line?.[1], 'TLSv1.2');
});

test('curl --cacert fetches over TLS from an ECDSA server', async () => {
  const { code, text: shown, stderr } = await curl(
    ['-sS', '-v', ...trusting(tls.ports.ecdsa), tlsUrl(tls.ports.ecdsa, 'hello.txt')],
    caFiles(),
  );
  assert.equal(code, 0, stderr);
  assert.equal(shown, hello);
  assert.match(stderr, /Handshake complete, cipher is TLS-ECDHE-ECDSA-/);
});

test('a 16 MiB body over TLS arrives intact (SHA-256)', async () => {
  const { code, stdout, stderr } = await curl(['-sS', ...trusting(tls.ports.rsa), tlsUrl(tls.ports.rsa, 'big.bin')], caFiles());
  assert.equal(code, 0, stderr);
  assert.equal(stdout.length, bigBody.length);
  assert.equal(createHash('sha256').update(stdout).digest('hex'), createHash('sha256').update(bigBody).digest('hex'));
});

test('two URLs share one TLS connection (HTTP/1.1 keep-alive)', async () => {
  const { code, text: shown, stderr } = await curl(
    ['-sS', '-v', ...trusting(tls.ports.rsa), tlsUrl(tls.ports.rsa, 'hello.txt'), tlsUrl(tls.ports.rsa, 'hello.txt')],
    caFiles(),
  );
  assert.equal(code, 0, stderr);
  assert.equal(shown, hello + hello);
  assert.match(stderr, /Re-using existing connection/);
  const lines = tls.accessLog().filter(([port]) => port === String(tls.ports.rsa));
  const [first, second] = lines.slice(-2);
  assert.equal(second[3], first[3], 'same nginx connection serial');
  assert.equal(second[4], '2', 'second request on that connection');
});

test('curl -L follows a redirect from http to https', async () => {
  const { code, text: shown, stderr } = await curl(
    ['-sS', '-L', ...trusting(tls.ports.rsa), '-w', '%{url_effective}', `http://127.0.0.1:${plainPort}/to-https`],
    caFiles(),
  );
  assert.equal(code, 0, stderr);
  assert.equal(shown, `${hello}${tlsUrl(tls.ports.rsa, 'hello.txt')}`);
});

test('--compressed over TLS: nginx sends gzip, chunked; curl shows the original text', async () => {
  const { code, text: shown, stderr } = await curl(
    ['-sS', '-v', '--compressed', ...trusting(tls.ports.rsa), tlsUrl(tls.ports.rsa, 'text.txt')],
    caFiles(),
  );
  assert.equal(code, 0, stderr);
  assert.equal(shown, text);
  assert.match(stderr, /< Content-Encoding: gzip/);
  assert.match(stderr, /< Transfer-Encoding: chunked/);
});

for (const [kind, reason] of /** @type {const} */ ([
  ['expired', 'BADCERT_EXPIRED'],
  ['wrongName', 'BADCERT_CN_MISMATCH'],
  ['unknownCa', 'BADCERT_NOT_TRUSTED'],
])) {
  test(`a certificate that is ${kind} fails with curl's error and exit code 60`, async () => {
    const { code, text: shown, stderr } = await curl(
      ['-sS', ...trusting(tls.ports[kind]), tlsUrl(tls.ports[kind], 'hello.txt')],
      caFiles(),
    );
    assert.equal(code, 60, stderr);
    assert.equal(shown, '');
    assert.match(stderr, new RegExp(`^curl: \\(60\\) Cert verify failed: ${reason}$`, 'm'));
  });
}

test('-k fetches from a server whose CA nobody trusts', async () => {
  const { code, text: shown, stderr } = await curl(['-sS', '-k', ...trusting(tls.ports.unknownCa), tlsUrl(tls.ports.unknownCa, 'hello.txt')], caFiles());
  assert.equal(code, 0, stderr);
  assert.equal(shown, hello);
});

test('verification is on by default: the Mozilla roots load and do not vouch for the test CA', async () => {
  const { code, stderr } = await curl(['-sS', '--resolve', `${serverName}:${tls.ports.rsa}:127.0.0.1`, tlsUrl(tls.ports.rsa, 'hello.txt')]);
  assert.equal(code, 60, stderr);
  assert.match(stderr, /Cert verify failed: BADCERT_NOT_TRUSTED/);
});

test('a TLS 1.3-only server is refused: mbedTLS 2.28 speaks TLS 1.2 at most', async () => {
  const { code, stderr } = await curl(['-sS', ...trusting(tls.ports.tls13Only), tlsUrl(tls.ports.tls13Only, 'hello.txt')], caFiles());
  assert.equal(code, 35, stderr);
  assert.match(stderr, /^curl: \(35\) /m);
});

/**
 * A TCP proxy on 127.0.0.1 in front of `targetPort` that keeps every byte it
 * forwards from the client (the relay's socket) to the server.
 * @param {number} targetPort
 */
async function recordingProxy(targetPort) {
  /** @type {Buffer[]} */
  const toServer = [];
  const proxy = net.createServer((client) => {
    const server = net.connect(targetPort, '127.0.0.1');
    client.on('data', (chunk) => toServer.push(chunk));
    client.pipe(server).pipe(client);
    client.on('error', () => server.destroy());
    server.on('error', () => client.destroy());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { proxy, port: /** @type {net.AddressInfo} */ (proxy.address()).port, wire: () => Buffer.concat(toServer) };
}

test('the relay carries only ciphertext: a marker POSTed over HTTPS reaches the server but never the wire', async () => {
  const marker = `sockbridge-marker-${randomBytes(8).toString('hex')}`;
  /** @type {string[]} */
  const bodies = [];
  const server = https.createServer(
    { key: readFileSync(path.join(tls.dir, 'rsa.key')), cert: readFileSync(path.join(tls.dir, 'rsa.pem')) },
    (request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        bodies.push(body);
        response.end('received\n');
      });
    },
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const recorder = await recordingProxy(/** @type {net.AddressInfo} */ (server.address()).port);
  try {
    const { code, text: shown, stderr } = await curl(
      ['-sS', '-d', `secret=${marker}`, ...trusting(recorder.port), `https://${serverName}:${recorder.port}/post`],
      caFiles(),
    );
    assert.equal(code, 0, stderr);
    assert.equal(shown, 'received\n');
    assert.deepEqual(bodies, [`secret=${marker}`]);
    const wire = recorder.wire();
    // What crossed: a TLS handshake (record type 22), then TLS 1.2 application data records (type 23).
    assert.equal(wire[0], 22, 'the first bytes are a TLS handshake record');
    assert.notEqual(wire.indexOf(Buffer.from([23, 3, 3])), -1, 'an application data record followed');
    assert.equal(wire.indexOf(marker), -1, 'the marker crossed the relay in plaintext');
    assert.equal(wire.indexOf('POST'), -1, 'the request line crossed the relay in plaintext');
  } finally {
    recorder.proxy.close();
    server.close();
  }
});

