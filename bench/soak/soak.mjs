#!/usr/bin/env node
// bench/soak: mixed load against a sanitizer build of the relay for a fixed
// time (issue 10), then a report. Not part of ./scripts/test.
//
//   node bench/soak/soak.mjs [--minutes 10] [--sessions 24] [--relay build-asan/relay/sockbridge-relay]
//
// Load: `--sessions` clients in parallel, each in a loop: open a WebSocket
// session, run a random mix of streams at once (small echoes, downloads and
// uploads of up to 8 MiB checked by SHA-256, streams opened and dropped at
// once), then end the session (politely or by dropping the TCP connection).
// At the end: SIGTERM, the relay drains and exits, and its stderr is searched
// for AddressSanitizer, LeakSanitizer and UBSan reports. Resident memory is
// sampled idle after a warm-up round, at its peak, and idle after the load,
// and split into its anonymous and file-backed parts (RssAnon, RssFile).
// Prints Markdown; exit status 1 when any error was seen.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { rssKiB, rssPartsKiB, WispSession } from '../relay/wisp_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    sessions: { type: 'string', default: '24' },
    relay: { type: 'string', default: path.join(root, 'build-asan/relay/sockbridge-relay') },
    warmup: { type: 'string', default: '20' },
  },
});
const MINUTES = Number(flags.minutes);
const SESSIONS = Number(flags.sessions);
const MiB = 1024 * 1024;

const stats = { sessions: 0, streams: 0, bytesDown: 0, bytesUp: 0, echoes: 0, dropped: 0, errors: /** @type {string[]} */ ([]) };
const error = (/** @type {string} */ what) => {
  if (stats.errors.length < 50) stats.errors.push(what);
  else stats.errors.length++;
};
const randomInt = (/** @type {number} */ low, /** @type {number} */ high) => low + Math.floor(Math.random() * (high - low + 1));
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- the TCP peer: "E\n" echo, "D<n>\n" send n bytes, "U<n>\n" read n, answer their SHA-256 ----------

const pattern = crypto.randomBytes(8 * MiB);
const peer = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  let head = Buffer.alloc(0);
  const onData = (/** @type {Buffer} */ data) => {
    head = Buffer.concat([head, data]);
    const newline = head.indexOf(10);
    if (newline < 0) return;
    socket.off('data', onData);
    const command = head.subarray(0, newline).toString();
    const rest = head.subarray(newline + 1);
    if (command === 'E') {
      if (rest.length) socket.write(rest);
      socket.pipe(socket);
    } else if (command[0] === 'D') {
      socket.end(pattern.subarray(0, Number(command.slice(1))));
    } else if (command[0] === 'U') {
      const hash = crypto.createHash('sha256');
      let left = Number(command.slice(1)) - rest.length;
      hash.update(rest);
      const finish = () => socket.end(hash.digest('hex'));
      if (left <= 0) return finish();
      socket.on('data', (chunk) => {
        hash.update(chunk);
        left -= chunk.length;
        if (left <= 0) finish();
      });
    }
  };
  socket.on('data', onData);
});
await new Promise((resolve) => peer.listen(0, '127.0.0.1', resolve));
const peerPort = /** @type {net.AddressInfo} */ (peer.address()).port;

// ---------- the relay ----------

const logPath = path.join(os.tmpdir(), `sockbridge-soak-${process.pid}.log`);
const log = fs.createWriteStream(logPath);
const relay = spawn(flags.relay, ['--listen', '127.0.0.1:0', '--dev', '--max-sessions', '100000', '--max-sessions-per-address', '100000'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:quarantine_size_mb=16', UBSAN_OPTIONS: 'print_stacktrace=1' },
});
const exited = new Promise((resolve) => relay.on('exit', (code, signal) => resolve(signal ?? code)));
const relayPort = await new Promise((resolve, reject) => {
  relay.on('error', reject);
  readline.createInterface({ input: /** @type {any} */ (relay.stderr) }).on('line', (line) => {
    if (!line.includes('"event":"stream_')) log.write(`${line}\n`);
    const match = /"event":"listening".*"port":(\d+)/.exec(line);
    if (match) resolve(Number(match[1]));
  });
});
const url = `ws://127.0.0.1:${relayPort}/wisp/`;

// ---------- one stream of each kind; each resolves when checked ----------

/**
 * Opens a stream that sends `command` (plus `body` chunks, honouring the
 * relay's credit) and resolves with every byte received until CLOSE.
 * @param {WispSession} session @param {string} command @param {Buffer[]} body
 * @param {(received: Buffer) => boolean} [enough]  close from our side once true
 */
function stream(session, command, body = [], enough) {
  stats.streams++;
  return new Promise((resolve) => {
    const parts = [];
    let size = 0;
    let queue = [Buffer.from(command), ...body];
    let done = false;
    const finish = (/** @type {number} */ reason) => {
      if (done) return;
      done = true;
      resolve({ data: Buffer.concat(parts, size), reason });
    };
    const pump = () => {
      while (queue.length && session.hasCredit(id)) session.send(id, queue.shift());
    };
    const id = session.openStream(peerPort, {
      onFrame(type, frame) {
        if (type === 2) {
          parts.push(frame.subarray(5));
          size += frame.length - 5;
          if (enough?.(Buffer.concat(parts, size))) {
            session.close(id);
            finish(0x02);
          }
        } else if (type === 4) finish(frame[5]);
      },
      onCredit: pump,
    });
    session.handlers.get(id).abort = () => finish(-1);
    pump();
  });
}

async function echo(session) {
  const text = crypto.randomBytes(randomInt(1, 4096));
  const got = await stream(session, 'E\n', [text], (received) => received.length >= text.length);
  if (!got.data.equals(text)) error(`echo of ${text.length} bytes came back as ${got.data.length} different bytes (reason ${got.reason})`);
  else stats.echoes++;
}

async function download(session) {
  const size = randomInt(1, 8 * MiB);
  const got = await stream(session, `D${size}\n`);
  if (got.reason !== 0x02 || !got.data.equals(pattern.subarray(0, size)))
    error(`download of ${size} bytes: ${got.data.length} received, close reason ${got.reason}`);
  else stats.bytesDown += size;
}

async function upload(session) {
  const size = randomInt(1, 8 * MiB);
  const chunks = [];
  for (let at = 0; at < size; at += 64 * 1024) chunks.push(pattern.subarray(at, Math.min(size, at + 64 * 1024)));
  const expected = crypto.createHash('sha256').update(pattern.subarray(0, size)).digest('hex');
  const got = await stream(session, `U${size}\n`, chunks);
  if (got.data.toString() !== expected) error(`upload of ${size} bytes: peer hashed ${got.data.toString() || 'nothing'}, close reason ${got.reason}`);
  else stats.bytesUp += size;
}

async function dropAtOnce(session) {
  stats.streams++;
  const id = session.openStream(peerPort, { onFrame() {} });
  session.close(id);
  stats.dropped++;
}

// ---------- the load ----------

const kinds = [echo, echo, echo, download, upload, dropAtOnce];
async function client(deadline) {
  while (Date.now() < deadline) {
    let session;
    try {
      session = await WispSession.open(url);
    } catch (e) {
      error(`session open: ${e.message}`);
      await sleep(100);
      continue;
    }
    stats.sessions++;
    const lost = new Promise((resolve) => session.ws.on('close', resolve));
    const work = Promise.all(Array.from({ length: randomInt(1, 12) }, () => kinds[randomInt(0, kinds.length - 1)](session)));
    const outcome = await Promise.race([work.then(() => 'done'), lost.then(() => 'lost')]);
    if (outcome === 'lost') error('the relay closed a session under load');
    if (Math.random() < 0.5) session.dispose();  // drop the TCP connection
    else session.ws.close(1000);
  }
}

const runFor = async (/** @type {number} */ ms) => {
  const deadline = Date.now() + ms;
  await Promise.all(Array.from({ length: SESSIONS }, () => client(deadline)));
};

const idleRss = async () => {
  await sleep(3000);
  return rssKiB(relay.pid);
};
const startRss = rssKiB(relay.pid);
const startParts = rssPartsKiB(relay.pid);
await runFor(Number(flags.warmup) * 1000);
const warmRss = await idleRss();
const warmParts = rssPartsKiB(relay.pid);
let peakRss = warmRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKiB(relay.pid))), 1000);
const started = Date.now();
await runFor(MINUTES * 60_000);
clearInterval(sampler);
const seconds = (Date.now() - started) / 1000;
const endRss = await idleRss();
const endParts = rssPartsKiB(relay.pid);

relay.kill('SIGTERM');
const exitStatus = await exited;
log.end();
peer.close();
await new Promise((resolve) => log.on('finish', resolve));
const relayLog = fs.readFileSync(logPath, 'utf8');
const sanitizer = relayLog.split('\n').filter((line) => /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: /.test(line));

const mb = (/** @type {number} */ n) => (n / 1e6).toFixed(0);
console.log(`## bench/soak — ${MINUTES} min of mixed load, ${SESSIONS} clients, ${path.relative(root, flags.relay)}\n`);
console.log('| measure | value |\n|---|---|');
console.log(`| duration (after a ${flags.warmup} s warm-up) | ${seconds.toFixed(0)} s |`);
console.log(`| sessions / streams | ${stats.sessions} / ${stats.streams} |`);
console.log(`| echoes checked / streams dropped at once | ${stats.echoes} / ${stats.dropped} |`);
console.log(`| bytes down / up, SHA-256 checked | ${mb(stats.bytesDown)} MB / ${mb(stats.bytesUp)} MB |`);
console.log(`| client-side errors | ${stats.errors.length} |`);
console.log(`| relay exit after SIGTERM | ${exitStatus} |`);
console.log(`| sanitizer reports | ${sanitizer.length} |`);
console.log(`| relay RSS: start / idle after warm-up / peak / idle after load | ${startRss} / ${warmRss} / ${peakRss} / ${endRss} KiB (end ${(100 * endRss / startRss).toFixed(0)} % of start, ${(100 * endRss / warmRss).toFixed(0)} % of warm) |`);
const parts = (/** @type {keyof typeof startParts} */ part) => [startParts, warmParts, endParts].map((p) => p[part]).join(' / ');
console.log(`| of which anonymous (heap, stacks, sanitizer shadow): start / warm / end | ${parts('anon')} KiB (end ${(100 * endParts.anon / startParts.anon).toFixed(0)} % of start) |`);
console.log(`| of which file-backed (executable and libraries, code paged in on first use): start / warm / end | ${parts('file')} KiB |`);
for (const line of [...stats.errors.slice(0, 10), ...sanitizer.slice(0, 10)]) console.log(`\n    ${line}`);
console.log(`\nRelay log: ${logPath}`);
process.exit(stats.errors.length || sanitizer.length || exitStatus !== 0 ? 1 : 0);
