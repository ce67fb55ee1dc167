// Wisp clients nobody here wrote, in Chromium, against the real relay: epoxy
// (npm @mercuryworkshop/epoxy-tls, its Rust Wisp library as wasm) opens TCP,
// UDP and TLS streams and fetches a page; libcurl.js (npm, curl as wasm
// speaking Wisp) fetches a page. Their peers are real servers on 127.0.0.1: a
// TCP echo, a UDP echo, nginx with a test CA's certificate, an HTTP server.
// The page is the relay's own origin; the client libraries are served to it
// from node_modules by Playwright's routing. One engine is enough for these
// (they are third-party code, not ours), so Firefox and WebKit skip.
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { serverName, startTlsServers } from '../ports/tls_peers.js';
import { expect, startRelay, test } from './fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** URL path under /third-party/ → file in node_modules */
const libraries = {
  'epoxy.js': 'node_modules/@mercuryworkshop/epoxy-tls/full/epoxy-bundled.js',
  'libcurl.mjs': 'node_modules/libcurl.js/libcurl.mjs',
  'libcurl.wasm': 'node_modules/libcurl.js/libcurl.wasm',
};

test.skip(({ engine }) => engine !== 'chromium', 'third-party clients run in one engine (Chromium)');
test.skip(({ blocking }) => blocking !== 'jspi', 'no guest runs here: the blocking mode does not matter');

/** @type {Awaited<ReturnType<typeof startTlsServers>>} */
let tls;
/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;
/** @type {net.Server} */
let tcpEcho;
/** @type {dgram.Socket} */
let udpEcho;
let hostsDir = '';

test.beforeAll(async () => {
  tls = await startTlsServers({ 'hello.txt': 'hello over TLS\n' }, {
    servers: { rsa: { certificate: 'rsa', protocols: 'TLSv1.2 TLSv1.3' } },
    plainHttp: true,
  });
  // The relay resolves the certificate's name to 127.0.0.1 from a hosts file.
  hostsDir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-third-party-'));
  const hostsFile = path.join(hostsDir, 'hosts');
  writeFileSync(hostsFile, `127.0.0.1 ${serverName}\n`);
  relay = await startRelay(['--dev', '--hosts-file', hostsFile]);
  tcpEcho = net.createServer((socket) => socket.pipe(socket));
  await new Promise((resolve) => tcpEcho.listen(0, '127.0.0.1', () => resolve(undefined)));
  udpEcho = dgram.createSocket('udp4');
  udpEcho.on('message', (message, from) => udpEcho.send(message, from.port, from.address));
  await new Promise((resolve) => udpEcho.bind(0, '127.0.0.1', () => resolve(undefined)));
});

test.afterAll(() => {
  relay?.process.kill('SIGTERM');
  tcpEcho?.close();
  udpEcho?.close();
  tls?.stop();
  if (hostsDir) rmSync(hostsDir, { recursive: true, force: true });
});

/** Opens the relay's origin with the client libraries routed to /third-party/. */
async function openPage(/** @type {any} */ page) {
  await page.route('**/third-party/*', (/** @type {any} */ route) => {
    const name = /** @type {keyof typeof libraries} */ (new URL(route.request().url()).pathname.replace('/third-party/', ''));
    if (!(name in libraries)) return route.fulfill({ status: 404, body: 'not here' });
    const contentType = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    return route.fulfill({ path: path.join(root, libraries[name]), contentType });
  });
  await page.goto(`${relay.url}/healthz`);
}

/**
 * Runs `job` in the page with a fresh epoxy client on the relay (Wisp v2, UDP
 * required, the test CA trusted): `job(client)` gets the client and returns
 * what the test checks. Helpers inside the page: roundTrip(stream, text).
 */
const withEpoxy = (/** @type {any} */ page, /** @type {Record<string, any>} */ args, /** @type {string} */ body) =>
  page.evaluate(
    async ({ wisp, caPem, args, body }) => {
      const { default: init, EpoxyClient, EpoxyClientOptions } = await import('/third-party/epoxy.js');
      await init();
      const options = new EpoxyClientOptions();
      options.wisp_v2 = true;
      options.udp_extension_required = true;
      options.pem_files = [caPem];
      const client = new EpoxyClient(wisp, options);
      /** Writes text on an epoxy stream and reads until as many bytes came back. */
      const roundTrip = async (/** @type {any} */ stream, /** @type {string} */ text) => {
        const writer = stream.write.getWriter();
        const reader = stream.read.getReader();
        await writer.write(new TextEncoder().encode(text));
        let received = '';
        while (received.length < text.length) {
          const { value, done } = await reader.read();
          if (done) break;
          received += new TextDecoder().decode(value);
        }
        return received;
      };
      return new Function('client', 'roundTrip', 'args', `return (async () => { ${body} })()`)(client, roundTrip, args);
    },
    { wisp: `ws://127.0.0.1:${relay.port}/`, caPem: readFileSync(tls.caFile, 'utf8'), args, body },
  );

test('epoxy opens a TCP stream through the relay and gets its bytes echoed', async ({ page }) => {
  await openPage(page);
  const port = /** @type {net.AddressInfo} */ (tcpEcho.address()).port;
  const echoed = await withEpoxy(page, { port }, `
    const stream = await client.connect_tcp('tcp://127.0.0.1:' + args.port);
    return roundTrip(stream, 'hello from epoxy over TCP');`);
  expect(echoed).toBe('hello from epoxy over TCP');
});

test('epoxy sends a UDP datagram through the relay and gets the echo', async ({ page }) => {
  await openPage(page);
  const port = udpEcho.address().port;
  const echoed = await withEpoxy(page, { port }, `
    const stream = await client.connect_udp('udp://127.0.0.1:' + args.port);
    return roundTrip(stream, 'one datagram from epoxy');`);
  expect(echoed).toBe('one datagram from epoxy');
});

test('epoxy speaks TLS (rustls, the test CA) to nginx through the relay', async ({ page }) => {
  await openPage(page);
  const reply = await withEpoxy(page, { port: tls.ports.rsa, host: serverName }, `
    const stream = await client.connect_tls('tls://' + args.host + ':' + args.port);
    const request = 'GET /hello.txt HTTP/1.1\\r\\nHost: ' + args.host + '\\r\\nConnection: close\\r\\n\\r\\n';
    const writer = stream.write.getWriter();
    await writer.write(new TextEncoder().encode(request));
    const reader = stream.read.getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return text;`);
  expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(reply).toMatch(/\r\n\r\nhello over TLS\n$/);
  // nginx saw a TLS request for the file: port, protocol, …, "GET /hello.txt HTTP/1.1", 200.
  const served = tls.accessLog().find((fields) => fields[0] === String(tls.ports.rsa) && fields[6] === '/hello.txt');
  expect(served?.[1]).toMatch(/^TLSv1\.[23]$/);
  expect(served?.[8]).toBe('200');
});

test("epoxy's fetch gets a page over HTTP and over HTTPS through the relay", async ({ page }) => {
  await openPage(page);
  const bodies = await withEpoxy(page, { http: tls.ports.http, https: tls.ports.rsa, host: serverName }, `
    const plain = await client.fetch('http://127.0.0.1:' + args.http + '/hello.txt', {});
    const secure = await client.fetch('https://' + args.host + ':' + args.https + '/hello.txt', {});
    return [plain.status, await plain.text(), secure.status, await secure.text()];`);
  expect(bodies).toEqual([200, 'hello over TLS\n', 200, 'hello over TLS\n']);
});

test('libcurl.js fetches a page through the relay', async ({ page }) => {
  await openPage(page);
  const result = await page.evaluate(
    async ({ wisp, url }) => {
      const { libcurl } = await import('/third-party/libcurl.mjs');
      libcurl.stderr = () => {};
      await libcurl.load_wasm('/third-party/libcurl.wasm');
      libcurl.set_websocket(wisp);
      const response = await libcurl.fetch(url);
      return [response.status, await response.text()];
    },
    { wisp: `ws://127.0.0.1:${relay.port}/`, url: `http://127.0.0.1:${tls.ports.http}/hello.txt` },
  );
  expect(result).toEqual([200, 'hello over TLS\n']);
});
