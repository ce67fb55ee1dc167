// bench/browser: a guest's sockets against the browser's own limit (issue 6),
// measured, never asserted. In one Chromium page, over 127.0.0.1:
//   1. Download: a guest (`transfer drain`) reads 64 MiB from a TCP server
//      through the full path (host kernel, WebSocket, relay), vs plain
//      JavaScript in the same page receiving the same bytes from the same relay
//      over a raw WebSocket (a minimal Wisp v1 client: CONNECT, count DATA).
//   2. Round trips: 32-byte ping-pong with an echo server, from a guest
//      (`transfer pingpong`) vs from plain JavaScript over a raw WebSocket.
// Guests run with JSPI and with Asyncify. Runs alternate guest/raw so load
// drifts hit both alike; medians and ratios are reported.
// Needs a built tree (./scripts/build). Prints Markdown.
//   node bench/browser/bench.mjs [--runs 5] [--mib 64] [--round-trips 2000]
import { chromium } from '@playwright/test';
import crypto from 'node:crypto';
import net from 'node:net';
import { parseArgs } from 'node:util';

import { runGuest, startRelay } from '../../tests/browser/fixtures.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '64' },
    'round-trips': { type: 'string', default: '2000' },
  },
});
const runs = Number(values.runs);
const bytes = Number(values.mib) * 1024 * 1024;
const roundTrips = Number(values['round-trips']);

/** @param {(socket: net.Socket) => void} onConnection @returns {Promise<net.Server>} */
function listen(onConnection) {
  const server = net.createServer(onConnection);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const portOf = (/** @type {net.Server} */ server) => /** @type {net.AddressInfo} */ (server.address()).port;

const payload = crypto.randomBytes(bytes);
const source = await listen((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  socket.end(payload);
});
const echo = await listen((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  socket.pipe(socket);
});

/**
 * Plain JavaScript in the page: a raw WebSocket to the relay speaking Wisp v1
 * by hand, one TCP stream. 'download' counts DATA bytes until CLOSE;
 * 'pingpong' sends `size` bytes and waits for them back, `count` times.
 * Returns seconds (download) or the median and p90 round trip in µs.
 */
function rawInPage(page, job) {
  return page.evaluate((job) => new Promise((resolve, reject) => {
    const socket = new WebSocket(job.wisp);
    socket.binaryType = 'arraybuffer';
    const frame = (type, stream, body) => {
      const out = new Uint8Array(5 + body.length);
      const view = new DataView(out.buffer);
      view.setUint8(0, type);
      view.setUint32(1, stream, true);
      out.set(body, 5);
      return out;
    };
    const connect = () => {
      const host = new TextEncoder().encode('127.0.0.1');
      const body = new Uint8Array(3 + host.length);
      body[0] = 1;  // TCP
      new DataView(body.buffer).setUint16(1, job.port, true);
      body.set(host, 3);
      return frame(0x01, 1, body);
    };
    const ping = new Uint8Array(job.size ?? 32).fill(112);
    let started = 0, received = 0, pending = 0, connected = false;
    const samples = [];
    socket.onerror = () => reject(new Error('raw WebSocket failed'));
    socket.onmessage = ({ data }) => {
      const packet = new Uint8Array(data);
      const type = packet[0];
      const stream = new DataView(data).getUint32(1, true);
      if (!connected && stream === 0 && type === 0x03) {
        connected = true;
        started = performance.now();
        socket.send(connect());
        if (job.kind === 'pingpong') socket.send(frame(0x02, 1, ping));
        return;
      }
      if (stream !== 1) return;
      if (type === 0x02) {
        received += packet.length - 5;
        if (job.kind !== 'pingpong') return;
        pending += packet.length - 5;
        if (pending < ping.length) return;
        pending = 0;
        const now = performance.now();
        samples.push((now - started) * 1000);
        if (samples.length === job.count) {
          socket.close();
          samples.sort((a, b) => a - b);
          return resolve({ median: samples[samples.length >> 1], p90: samples[Math.floor(samples.length * 0.9)] });
        }
        started = now;
        socket.send(frame(0x02, 1, ping));
      } else if (type === 0x04) {
        socket.close();
        if (job.kind === 'pingpong') return reject(new Error(`stream closed after ${samples.length} round trips`));
        resolve({ seconds: (performance.now() - started) / 1000, received });
      }
    };
  }), job);
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mbps = (/** @type {number} */ seconds) => bytes / 1e6 / seconds;

const relay = await startRelay(['--dev']);
const browser = await chromium.launch({
  executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const wisp = `ws://127.0.0.1:${relay.port}/wisp/`;
try {
  const page = await browser.newPage();
  await page.goto(`${relay.url}/healthz`);
  /** @type {Record<string, number[]>} */
  const download = { raw: [], jspi: [], asyncify: [] };
  /** @type {Record<string, { median: number, p90: number }[]>} */
  const rtt = { raw: [], jspi: [], asyncify: [] };
  for (let run = 0; run < runs; run++) {
    const raw = await rawInPage(page, { wisp, port: portOf(source), kind: 'download' });
    if (raw.received !== bytes) throw new Error(`raw WebSocket received ${raw.received} of ${bytes} bytes`);
    download.raw.push(raw.seconds);
    rtt.raw.push(await rawInPage(page, { wisp, port: portOf(echo), kind: 'pingpong', count: roundTrips }));
    for (const blocking of ['jspi', 'asyncify']) {
      const got = await runGuest(page, { guest: 'transfer', args: ['drain', '127.0.0.1', String(portOf(source))], relay: wisp, blocking });
      const match = /^received (\d+) sha256 - seconds ([\d.]+)/.exec(got.stdout);
      if (got.code !== 0 || !match || Number(match[1]) !== bytes) throw new Error(`guest download failed: ${got.stderr || got.stdout}`);
      download[blocking].push(Number(match[2]));
      const pong = await runGuest(page, {
        guest: 'transfer', args: ['pingpong', '127.0.0.1', String(portOf(echo)), String(roundTrips), '32'], relay: wisp, blocking,
      });
      const times = /median_us ([\d.]+) p90_us ([\d.]+)/.exec(pong.stdout);
      if (pong.code !== 0 || !times) throw new Error(`guest ping-pong failed: ${pong.stderr || pong.stdout}`);
      rtt[blocking].push({ median: Number(times[1]), p90: Number(times[2]) });
    }
  }
  const version = (await browser.version());
  console.log(`## bench/browser — guest vs raw WebSocket in one Chromium ${version} page (${runs} runs, ${values.mib} MiB, ${roundTrips} × 32-byte round trips)\n`);
  console.log('| path | download MB/s (median) | of raw | round trip p50 µs (median) | round trip p90 µs | × raw p50 |');
  console.log('|---|---|---|---|---|---|');
  const rawMbps = mbps(median(download.raw));
  const rawP50 = median(rtt.raw.map((r) => r.median));
  for (const path of ['raw', 'jspi', 'asyncify']) {
    const speed = mbps(median(download[path]));
    const p50 = median(rtt[path].map((r) => r.median));
    const p90 = median(rtt[path].map((r) => r.p90));
    const name = path === 'raw' ? 'plain JS, raw WebSocket' : `guest, ${path}`;
    console.log(`| ${name} | ${speed.toFixed(1)} | ${(100 * speed / rawMbps).toFixed(0)} % | ${p50.toFixed(0)} | ${p90.toFixed(0)} | ${(p50 / rawP50).toFixed(2)} |`);
  }
  console.log('\nPer run, download seconds:', JSON.stringify(download));
} finally {
  await browser.close();
  relay.process.kill('SIGTERM');
  source.close();
  echo.close();
}
