// bench/tls: the real curl guest (guest/ports/curl: Debian's curl 7.88 with
// mbedTLS 2.28) in one Chromium page (issue 17), measured, never asserted.
// Everything on 127.0.0.1: one Debian nginx with a plain HTTP port and two
// HTTPS ports (TLS 1.2 only; RSA 2048 and ECDSA P-256 certificates from a test
// CA made by openssl now), the real relay binary (--dev), and these clients in
// the same page, through the same relay:
//   1. TLS handshake: curl's own `%{time_appconnect} - %{time_connect}` for a
//      small file, RSA and ECDSA, JSPI and Asyncify; and the time from the run()
//      call in the page to curl's first stdout byte (compiling the guest
//      included, as a Run click pays it), HTTPS and plain HTTP.
//   2. Download of a 64 MiB file: curl over HTTPS and over plain HTTP from the
//      same nginx (`-o -`, the page's stdout callback only counts bytes; MB/s
//      from curl's own `%{time_total}`), JSPI and Asyncify.
//   3. The same plain-HTTP 64 MiB body fetched by libcurl.js (npm, curl +
//      mbedTLS built with Emscripten, a Wisp client) through the relay's
//      /wisp/, and by plain JavaScript on a raw WebSocket (Wisp v1 by hand, as
//      bench/browser does: CONNECT, the GET request, count DATA until CLOSE).
//   Beside them, the floor of the guest socket path itself: the `transfer`
//   guest (tests/guest/transfer.c, plain recv() into a buffer) draining the same
//   payload from a bare TCP server (Node), as bench/browser measures it.
//   4. Size of the curl guest, raw and gzip -9 (and libcurl.js's for reference).
// With --variant DIR (a curl build directory, e.g. one configured with
// curl_disallow_sigsetjmp=yes) its src/curl and src/curl.asyncify.wasm are
// measured beside the published ones in every run.
// Each run alternates every path (A/B/C/...), so load drifts hit all alike;
// medians and ratios inside the run are reported.
// Needs a built tree and the curl port (node guest/ports/build.mjs curl).
// Prints Markdown.
//   node bench/tls/bench.mjs [--runs 5] [--mib 64] [--handshakes 10] [--variant DIR]
import { chromium } from '@playwright/test';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

import { runGuest, siteDir, startRelay } from '../../tests/browser/fixtures.js';
import { serverName, startTlsServers } from '../../tests/ports/tls_peers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '64' },
    handshakes: { type: 'string', default: '10' },
    variant: { type: 'string' },
  },
});
const runs = Number(values.runs);
const bytes = Number(values.mib) * 1024 * 1024;
const handshakes = Number(values.handshakes);

// ---- the servers: the tests' CA and nginx (tests/ports/tls_peers.js), three ports ----
const payload = crypto.randomBytes(bytes);
const tls = await startTlsServers({ 'big.bin': payload, 'hello.txt': 'hello over TLS\n' }, {
  servers: { rsa: { certificate: 'rsa', protocols: 'TLSv1.2' }, ecdsa: { certificate: 'ecdsa', protocols: 'TLSv1.2' } },
  plainHttp: true,
});
const { ports } = tls;
/** A bare TCP server sending the payload to each connection (the transfer guest's source). */
const source = net.createServer((socket) => {
  socket.on('error', () => {});
  socket.end(payload);
});
await new Promise((resolve) => source.listen(0, '127.0.0.1', () => resolve(undefined)));
const sourcePort = /** @type {net.AddressInfo} */ (source.address()).port;
const caPem = fs.readFileSync(tls.caFile, 'utf8');

// ---- files the page loads besides the relay's site (Playwright serves them) ----
const libcurlDir = path.join(root, 'node_modules', 'libcurl.js');
/** @type {Record<string, string>} URL path under /bench-files/ → file */
const benchFiles = {
  'libcurl.mjs': path.join(libcurlDir, 'libcurl.mjs'),
  'libcurl.wasm': path.join(libcurlDir, 'libcurl.wasm'),
};
if (values.variant) {
  benchFiles['curl-variant.wasm'] = path.join(values.variant, 'src', 'curl');
  benchFiles['curl-variant.asyncify.wasm'] = path.join(values.variant, 'src', 'curl.asyncify.wasm');
}
const libcurlVersion = JSON.parse(fs.readFileSync(path.join(libcurlDir, 'package.json'), 'utf8')).version;

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mbps = (/** @type {number} */ seconds) => bytes / 1e6 / seconds;

/**
 * curl in the page through run(): stdout only counted (its first 200 bytes kept),
 * `-w '%{stderr}…'` read back from stderr.
 * @param {import('@playwright/test').Page} page
 * @param {{ guest: string, args: string[], relay: string, blocking: string, files: Record<string, string> }} job
 */
async function curlInPage(page, job) {
  const result = await page.evaluate(async ({ guest, args, relay, blocking, files }) => {
    const { run } = await import('/shim-js/src/embed.js');
    const decoder = new TextDecoder();
    const out = { code: /** @type {number | null} */ (null), error: '', stdoutBytes: 0, firstByteMs: -1, totalMs: 0, stderr: '', head: '' };
    const started = performance.now();
    try {
      out.code = await run({
        guest, programName: 'curl', args, relay, blocking: /** @type {'jspi' | 'asyncify'} */ (blocking), files,
        stdout: (chunk) => {
          if (out.firstByteMs < 0) out.firstByteMs = performance.now() - started;
          if (out.head.length < 200) out.head += decoder.decode(chunk.subarray(0, 200));
          out.stdoutBytes += chunk.length;
        },
        stderr: (chunk) => (out.stderr += decoder.decode(chunk, { stream: true })),
      });
    } catch (error) {
      out.error = String(error);
    }
    out.totalMs = performance.now() - started;
    return out;
  }, job);
  const line = /^bench (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)$/m.exec(result.stderr);
  if (result.code !== 0 || !line) throw new Error(`curl ${job.args.join(' ')} (${job.blocking}): exit ${result.code} ${result.error}\n${result.stderr}`);
  const [size, connect, appconnect, starttransfer, total] = line.slice(1).map(Number);
  return { ...result, size, connect, appconnect, starttransfer, total };
}
const writeOut = ['-w', '%{stderr}bench %{size_download} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}\n'];

/**
 * Plain JavaScript in the page: a raw WebSocket to the relay, Wisp v1 by hand,
 * one stream to nginx's plain HTTP port, `GET path` with Connection: close,
 * counting DATA bytes (headers included) until CLOSE.
 * @param {import('@playwright/test').Page} page
 * @param {{ wisp: string, port: number, path: string }} job
 * @returns {Promise<{ seconds: number, received: number }>}
 */
function rawInPage(page, job) {
  return page.evaluate((job) => new Promise((resolve, reject) => {
    const socket = new WebSocket(job.wisp);
    socket.binaryType = 'arraybuffer';
    const frame = (/** @type {number} */ type, /** @type {number} */ stream, /** @type {Uint8Array} */ body) => {
      const out = new Uint8Array(5 + body.length);
      const view = new DataView(out.buffer);
      view.setUint8(0, type);
      view.setUint32(1, stream, true);
      out.set(body, 5);
      return out;
    };
    const host = new TextEncoder().encode('127.0.0.1');
    const connect = new Uint8Array(3 + host.length);
    connect[0] = 1; // TCP
    new DataView(connect.buffer).setUint16(1, job.port, true);
    connect.set(host, 3);
    const request = new TextEncoder().encode(`GET ${job.path} HTTP/1.1\r\nHost: 127.0.0.1:${job.port}\r\nConnection: close\r\n\r\n`);
    let started = 0, received = 0, connected = false;
    socket.onerror = () => reject(new Error('raw WebSocket failed'));
    socket.onmessage = ({ data }) => {
      const packet = new Uint8Array(data);
      const stream = new DataView(data).getUint32(1, true);
      if (!connected && stream === 0 && packet[0] === 0x03) {
        connected = true;
        started = performance.now();
        socket.send(frame(0x01, 1, connect));
        socket.send(frame(0x02, 1, request));
        return;
      }
      if (stream !== 1) return;
      if (packet[0] === 0x02) received += packet.length - 5;
      else if (packet[0] === 0x04) {
        socket.close();
        resolve({ seconds: (performance.now() - started) / 1000, received });
      }
    };
  }), job);
}

/**
 * libcurl.js in the page (loaded once): fetch(url), the body read as a stream
 * and counted. Seconds from the fetch() call to the end of the body.
 * @param {import('@playwright/test').Page} page @param {{ url: string }} job
 * @returns {Promise<{ seconds: number, received: number, status: number }>}
 */
function libcurlInPage(page, job) {
  return page.evaluate(async ({ url }) => {
    const { libcurl } = await import('/bench-files/libcurl.mjs');
    const started = performance.now();
    const response = await libcurl.fetch(url);
    const reader = response.body.getReader();
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
    }
    return { seconds: (performance.now() - started) / 1000, received, status: response.status };
  }, job);
}

// ---- sizes ----
const guestsDir = path.join(siteDir, 'guests');
/** @type {[string, string][]} */
const sized = [
  ['curl.wasm (JSPI build)', path.join(guestsDir, 'curl.wasm')],
  ['curl.asyncify.wasm', path.join(guestsDir, 'curl.asyncify.wasm')],
];
if (values.variant) {
  sized.push(['variant src/curl (JSPI build)', benchFiles['curl-variant.wasm']]);
  sized.push(['variant src/curl.asyncify.wasm', benchFiles['curl-variant.asyncify.wasm']]);
}
sized.push([`libcurl.js ${libcurlVersion}: libcurl.wasm + libcurl.mjs (reference)`, '']);
const kb = (/** @type {number} */ n) => (n / 1000).toFixed(0);

const relay = await startRelay(['--dev']);
const browser = await chromium.launch({
  executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const wisp = `ws://127.0.0.1:${relay.port}/wisp/`;
try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.route('**/bench-files/*', (route) => {
    const name = new URL(route.request().url()).pathname.replace('/bench-files/', '');
    const file = benchFiles[name];
    if (!file) return route.fulfill({ status: 404, body: 'not here' });
    return route.fulfill({ path: file, contentType: name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' });
  });
  await page.goto(`${relay.url}/healthz`);
  await page.evaluate(async (wisp) => {
    const { libcurl } = await import('/bench-files/libcurl.mjs');
    libcurl.stderr = () => {};
    await libcurl.load_wasm('/bench-files/libcurl.wasm');
    libcurl.set_websocket(wisp);
  }, wisp);

  const files = { '/ca.pem': caPem };
  const https = (/** @type {'rsa' | 'ecdsa'} */ kind, /** @type {string} */ file) => [
    '--cacert', '/ca.pem', '--resolve', `${serverName}:${ports[kind]}:127.0.0.1`, `https://${serverName}:${ports[kind]}/${file}`,
  ];
  const http = (/** @type {string} */ file) => ['--resolve', `${serverName}:${ports.http}:127.0.0.1`, `http://${serverName}:${ports.http}/${file}`];
  const guests = { curl: '/guests/curl.wasm', ...(values.variant ? { variant: '/bench-files/curl-variant.wasm' } : {}) };
  /** @param {string} guest @param {string} blocking @param {string[]} target */
  const curl = (guest, blocking, target) =>
    curlInPage(page, { guest: guests[/** @type {keyof typeof guests} */ (guest)], args: ['-sS', '-o', '-', ...writeOut, ...target], relay: wisp, blocking, files });

  // Warm-up: module imports, the guests' first compile, nginx's page cache.
  for (const guest of Object.keys(guests))
    for (const blocking of ['jspi', 'asyncify']) await curl(guest, blocking, https('rsa', 'hello.txt'));
  await rawInPage(page, { wisp, port: ports.http, path: '/big.bin' });

  // 1. Handshakes and first bytes.
  /** @type {Record<string, { handshake: number[], firstByte: number[], connect: number[] }>} */
  const small = {};
  const smallKinds = /** @type {const} */ (['rsa', 'ecdsa', 'http']);
  for (let i = 0; i < handshakes; i++)
    for (const guest of Object.keys(guests))
      for (const blocking of ['jspi', 'asyncify'])
        for (const kind of smallKinds) {
          const got = await curl(guest, blocking, kind === 'http' ? http('hello.txt') : https(kind, 'hello.txt'));
          if (got.head !== 'hello over TLS\n') throw new Error(`unexpected body ${JSON.stringify(got.head)}`);
          const key = `${guest} ${blocking} ${kind}`;
          small[key] ??= { handshake: [], firstByte: [], connect: [] };
          small[key].handshake.push(kind === 'http' ? 0 : (got.appconnect - got.connect) * 1000);
          small[key].connect.push(got.connect * 1000);
          small[key].firstByte.push(got.firstByteMs);
        }

  // 2 and 3. Downloads, every path once per run, in turn.
  /** @type {Record<string, number[]>} seconds */
  const download = {};
  const add = (/** @type {string} */ key, /** @type {number} */ seconds) => (download[key] ??= []).push(seconds);
  for (let run = 0; run < runs; run++) {
    const raw = await rawInPage(page, { wisp, port: ports.http, path: '/big.bin' });
    if (raw.received < bytes) throw new Error(`raw WebSocket received ${raw.received} of ${bytes} bytes`);
    add('raw', raw.seconds);
    const lib = await libcurlInPage(page, { url: `http://127.0.0.1:${ports.http}/big.bin` });
    if (lib.status !== 200 || lib.received !== bytes) throw new Error(`libcurl.js: HTTP ${lib.status}, ${lib.received} bytes`);
    add('libcurl.js http', lib.seconds);
    for (const blocking of ['jspi', 'asyncify']) {
      const got = await runGuest(page, { guest: 'transfer', args: ['drain', '127.0.0.1', String(sourcePort)], relay: wisp, blocking });
      const match = /^received (\d+) sha256 - seconds ([\d.]+)/.exec(got.stdout);
      if (got.code !== 0 || !match || Number(match[1]) !== bytes) throw new Error(`transfer guest failed: ${got.stderr || got.stdout}`);
      add(`transfer ${blocking}`, Number(match[2]));
    }
    for (const guest of Object.keys(guests))
      for (const blocking of ['jspi', 'asyncify'])
        for (const scheme of ['http', 'https']) {
          const got = await curl(guest, blocking, scheme === 'http' ? http('big.bin') : https('rsa', 'big.bin'));
          if (got.size !== bytes || got.stdoutBytes !== bytes) throw new Error(`curl got ${got.size}/${got.stdoutBytes} of ${bytes}`);
          add(`${guest} ${blocking} ${scheme}`, got.total);
          add(`${guest} ${blocking} ${scheme} page`, got.totalMs / 1000);
        }
  }

  // ---- report ----
  const ciphers = [...new Set(tls.accessLog().filter(([port]) => port !== String(ports.http)).map(([port, protocol, cipher]) =>
      `${port === String(ports.rsa) ? 'RSA' : 'ECDSA'}: ${protocol} ${cipher}`))];
  const version = await browser.version();
  console.log(`## bench/tls — the curl guest in one Chromium ${version} page (${runs} runs of ${values.mib} MiB, ${handshakes} handshakes per kind)\n`);
  console.log(`nginx negotiated: ${ciphers.join('; ')}.\n`);
  console.log('### Handshake and first byte (small file, one curl run each)\n');
  console.log('| guest | blocking | server | TLS handshake ms (appconnect − connect), median | p90 | connect ms, median | run() → first stdout byte ms, median | p90 |');
  console.log('|---|---|---|---|---|---|---|---|');
  const p90 = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
  for (const [key, s] of Object.entries(small)) {
    const [guest, blocking, kind] = key.split(' ');
    const tls = kind === 'http' ? '—' : median(s.handshake).toFixed(1);
    const tls90 = kind === 'http' ? '—' : p90(s.handshake).toFixed(1);
    console.log(`| ${guest} | ${blocking} | ${kind === 'http' ? 'plain HTTP' : `HTTPS ${kind.toUpperCase()}`} | ${tls} | ${tls90} | ${median(s.connect).toFixed(1)} | ${median(s.firstByte).toFixed(0)} | ${p90(s.firstByte).toFixed(0)} |`);
  }
  console.log(`\n### ${values.mib} MiB download (same nginx, plain HTTP and HTTPS RSA), medians\n`);
  console.log('| path | MB/s (median) | seconds per run | × raw WebSocket | × libcurl.js |');
  console.log('|---|---|---|---|---|');
  const rawMbps = mbps(median(download.raw));
  const libMbps = mbps(median(download['libcurl.js http']));
  for (const [key, seconds] of Object.entries(download)) {
    if (key.endsWith(' page')) continue;
    const speed = mbps(median(seconds));
    const name = key === 'raw' ? 'plain JS, raw WebSocket, HTTP' : key === 'libcurl.js http' ? `libcurl.js ${libcurlVersion}, HTTP` :
      key.startsWith('transfer ') ? `transfer guest ${key.slice(9)}, bare TCP (no HTTP)` : `${key.replace(/ (https?)$/, ', $1').replace('http', 'HTTP').replace('HTTPs', 'HTTPS')}`;
    console.log(`| ${name} | ${speed.toFixed(1)} | ${seconds.map((s) => s.toFixed(2)).join(' ')} | ${(speed / rawMbps).toFixed(2)} | ${(speed / libMbps).toFixed(2)} |`);
  }
  console.log('\nHTTPS / plain HTTP (target ≥ 0.6), and per-run ratios (run i HTTPS / run i HTTP):\n');
  for (const guest of Object.keys(guests))
    for (const blocking of ['jspi', 'asyncify']) {
      const h = download[`${guest} ${blocking} http`];
      const s = download[`${guest} ${blocking} https`];
      const perRun = s.map((sec, i) => h[i] / sec);
      console.log(`- ${guest} ${blocking}: ×${(median(h) / median(s)).toFixed(2)} of medians; per run ${perRun.map((r) => r.toFixed(2)).join(' ')} (median ×${median(perRun).toFixed(2)})`);
    }
  console.log('\nOur curl over plain HTTP / libcurl.js over plain HTTP (target ≥ 1.1), per run:\n');
  for (const guest of Object.keys(guests))
    for (const blocking of ['jspi', 'asyncify']) {
      const ours = download[`${guest} ${blocking} http`];
      const perRun = ours.map((sec, i) => download['libcurl.js http'][i] / sec);
      console.log(`- ${guest} ${blocking}: ×${(median(download['libcurl.js http']) / median(ours)).toFixed(2)} of medians; per run ${perRun.map((r) => r.toFixed(2)).join(' ')} (median ×${median(perRun).toFixed(2)})`);
    }
  console.log('\nWall time of each curl download in the page (run() call to exit, compiling included), medians s:',
    Object.entries(download).filter(([k]) => k.endsWith(' page')).map(([k, v]) => `${k.replace(' page', '')} ${median(v).toFixed(2)}`).join('; '));

  console.log('\n### Size\n');
  console.log('| file | raw KB | gzip -9 KB |\n|---|---|---|');
  for (const [name, file] of sized) {
    const data = file ? fs.readFileSync(file) : Buffer.concat([fs.readFileSync(benchFiles['libcurl.wasm']), fs.readFileSync(benchFiles['libcurl.mjs'])]);
    console.log(`| ${name} | ${kb(data.length)} | ${kb(zlib.gzipSync(data, { level: 9 }).length)} |`);
  }
} finally {
  await browser.close();
  relay.process.kill('SIGTERM');
  tls.stop();
  source.close();
}
