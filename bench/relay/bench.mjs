#!/usr/bin/env node
// bench/relay: our relay against the relays people use today, with the same
// client and the same TCP peers on 127.0.0.1, in one run. Prints a Markdown
// report (medians of several runs, and ratios) to stdout.
//
//   node bench/relay/bench.mjs [--runs 5] [--mib 256] [--pings 10000] [--opens 1000] [--idle 10000] [--pin]
//
// Relays: sockbridge-relay (build/relay), the @mercuryworkshop/wisp-js server
// (npm), and websockify (Debian) when it is installed. "raw TCP" is the same
// transfer on loopback with no relay: the limit.
//
// Throughput is measured twice, with two clients: this script's Node `ws`
// client (what a JavaScript client sees), and the native client
// build/bench/relay/sockbridge-bench-client (bench/relay/client.cpp), which
// spends far less CPU per byte, so that on a 2-core machine the relay, not the
// client, is the limit.
//
// --pin gives the relay under test CPU 0 to itself and puts the load (this
// script, the TCP peer, the clients) on the other CPUs, as servers are usually
// measured; without it every process competes for every CPU.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { WebSocket } from 'ws';

import { closedPort } from '../../tests/browser/fixtures.js';
import { refused } from '../../tests/browser/tcp_peers.js';
import { cpuSeconds, rssKiB, WispSession } from './wisp_client.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '256' },
    pings: { type: 'string', default: '10000' },
    opens: { type: 'string', default: '1000' },
    idle: { type: 'string', default: '10000' },
    pin: { type: 'boolean', default: false },
  },
});
const RUNS = Number(flags.runs);
const BYTES = Number(flags.mib) * 1024 * 1024;
const PINGS = Number(flags.pings);
const OPENS = Number(flags.opens);
const IDLE = Number(flags.idle);
const PIN = flags.pin;

/** Starts a relay process: with --pin, on CPU 0 alone (taskset execs it, so the pid is the relay's). */
function spawnRelay(command, args, options) {
  return PIN ? spawn('taskset', ['-c', '0', command, ...args], options) : spawn(command, args, options);
}

// ---------- TCP peer (its own process) ----------

/** What the client uploads. */
const chunk = Buffer.alloc(1024 * 1024, 0x5a);

/** Starts bench/relay/peer.mjs; resolves to { port, close() }. */
function startPeer() {
  const child = spawn(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'peer.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`peer exited with ${code}`)));
    child.stdout.once('data', (data) => resolve({ port: JSON.parse(String(data)).port, close: () => child.kill('SIGTERM') }));
  });
}

// ---------- relays ----------

function waitForPort(child, pattern) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (data) => {
      seen += data;
      const match = seen.match(pattern);
      if (!match) return;
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${seen}`)));
  });
}

async function startSockbridge() {
  // The idle measurement holds IDLE streams in one session, beyond the default per-session limit.
  const args = ['--listen', '127.0.0.1:0', '--dev', '--max-streams-per-session', String(IDLE + 16)];
  const child = spawnRelay(path.join(root, 'build/relay/sockbridge-relay'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await waitForPort(child, /"event":"listening".*?"port":(\d+)/);
  // Keep warnings and errors for a failure report; drop the per-stream info lines unread.
  const log = [];
  child.stderr.on('data', (data) => log.push(...String(data).split('\n').filter((line) => line.includes('"level":"warn"') || line.includes('"level":"error"'))));
  process.on('exit', (code) => code && process.stderr.write(`sockbridge-relay warnings:\n${log.slice(-20).join('\n')}\n`));
  return { name: 'sockbridge-relay', child, url: `ws://127.0.0.1:${port}/`, kind: 'wisp' };
}

async function startWispJs() {
  const port = await closedPort();
  const options = JSON.stringify({ allow_loopback_ips: true, allow_private_ips: true });
  const child = spawnRelay(
    process.execPath,
    [path.join(root, 'node_modules/@mercuryworkshop/wisp-js/src/bin/server_cli.mjs'), '-H', '127.0.0.1', '-P', String(port), '-L', 'INFO', '-O', options],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  await waitFor(async () => !(await refused(port)));
  return { name: 'wisp-js server', child, url: `ws://127.0.0.1:${port}/`, kind: 'wisp' };
}

async function waitFor(check, limitMs = 10_000) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}

async function startWebsockify(targetPort) {
  const port = await closedPort();
  // Its own process group: the per-connection children it forks are stopped with it (stop()).
  const child = spawnRelay('websockify', [`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.on('error', () => {});
  await waitFor(async () => !(await refused(port)), 5_000);
  // A child stuck in a stalled connection ignores SIGTERM: the whole group gets SIGKILL.
  const stop = () => process.kill(-child.pid, 'SIGKILL');
  return { name: 'websockify', child, url: `ws://127.0.0.1:${port}/`, kind: 'websockify', stop };
}

function haveWebsockify() {
  return new Promise((resolve) => {
    const probe = spawn('websockify', ['--help'], { stdio: 'ignore' });
    probe.on('error', () => resolve(false));
    probe.on('exit', (code) => resolve(code === 0));
  });
}


// ---------- 32-byte ping-pong, whatever carries it ----------

const PING = Buffer.alloc(32, 0x61);

/**
 * Times PINGS round trips of 32 bytes. `send(bytes)` sends on the path;
 * the returned `onData(byteCount)` must be called for every received chunk.
 * The first message carries the echo command, so it is not timed.
 */
function pingPong(send) {
  const times = [];
  let started = 0n;
  let count = -1;
  let got = 0;
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const onData = (bytes) => {
    got += bytes;
    if (got < PING.length) return;
    got = 0;
    if (count >= 0) times.push(Number(process.hrtime.bigint() - started) / 1e3);
    if (++count === PINGS) {
      times.sort((a, b) => a - b);
      return finish({ p50: times[Math.floor(times.length * 0.5)], p99: times[Math.floor(times.length * 0.99)] });
    }
    started = process.hrtime.bigint();
    send(PING);
  };
  return { onData, start: () => send(Buffer.concat([Buffer.from('E\n'), PING])), done };
}

// ---------- websockify: one WebSocket per TCP connection, raw bytes ----------

/** A "stream" over websockify: one WebSocket bridged to the peer. */
class WebsockifyStream {
  static async open(url, onData) {
    const ws = new WebSocket(url, ['binary']);
    ws.binaryType = 'nodebuffer';
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    ws.on('message', onData);
    return ws;
  }
}

/** A promise and the functions that settle it (Promise.withResolvers, which Node 20 lacks). */
function deferred() {
  /** @type {{ promise: Promise<void>, resolve: (value?: any) => void, reject: (error: Error) => void }} */
  const parts = /** @type {any} */ ({});
  parts.promise = new Promise((resolve, reject) => Object.assign(parts, { resolve, reject }));
  return parts;
}

async function wsDownload(relay) {
  const started = process.hrtime.bigint();
  let got = 0;
  const transfer = deferred();
  const ws = await WebsockifyStream.open(relay.url, (data) => {
    got += data.length;
    if (got < BYTES) return;
    ws.terminate();
    transfer.resolve();
  });
  ws.on('close', () => got < BYTES && transfer.reject(new Error(`short ${got}`)));
  ws.send(Buffer.from(`D${BYTES}\n`));
  await transfer.promise;
  return BYTES / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function wsUpload(relay) {
  const piece = chunk.subarray(0, 60 * 1024);
  const started = process.hrtime.bigint();
  const acknowledged = deferred();
  const ws = await WebsockifyStream.open(relay.url, (data) => data.toString() === 'ok' && acknowledged.resolve());
  ws.send(Buffer.from(`U${BYTES}\n`));
  let sent = 0;
  const pump = () => {
    while (sent < BYTES && ws.bufferedAmount < 8 * 1024 * 1024) {
      const size = Math.min(piece.length, BYTES - sent);
      ws.send(piece.subarray(0, size));
      sent += size;
    }
    if (sent < BYTES) setImmediate(pump);
  };
  pump();
  await acknowledged.promise;
  const rate = BYTES / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9);
  ws.terminate(); // its websockify child exits now, not during a later measurement
  return rate;
}

async function wsPing(relay) {
  let ws;
  const ping = pingPong((bytes) => ws.send(bytes));
  ws = await WebsockifyStream.open(relay.url, (data) => ping.onData(data.length));
  ping.start();
  const result = await ping.done;
  ws.terminate();
  return result;
}

/** websockify forks a process per connection and stalls after a few hundred in a row: 100 opens. */
const WEBSOCKIFY_OPENS = 100;

async function wsOpenRate(relay) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < WEBSOCKIFY_OPENS; ++i) {
    const echoed = deferred();
    const ws = await WebsockifyStream.open(relay.url, () => {
      ws.close();
      echoed.resolve();
    });
    ws.send(Buffer.from('E\nx'));
    await echoed.promise;
  }
  return WEBSOCKIFY_OPENS / (Number(process.hrtime.bigint() - started) / 1e9);
}

// ---------- the native client ----------

const nativeClient = path.join(root, 'build/bench/relay/sockbridge-bench-client');

/** Runs the native client; resolves to the MB/s it prints. */
function native(args) {
  return new Promise((resolve, reject) => {
    execFile(nativeClient, args.map(String), { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.trim() || error.message));
      else resolve(Number(stdout));
    });
  });
}

const nativeTransfer = (relay, direction, peerPort) =>
  relay.kind === 'wisp'
    ? native(['wisp', relay.url, direction, peerPort, BYTES])
    : native(['websocket', relay.url, direction, BYTES]);

// ---------- measurements ----------

async function wispDownload(relay, port) {
  const session = await WispSession.open(relay.url);
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    let got = 0;
    const id = session.openStream(port, {
      onFrame(type, data) {
        if (type === 2) got += data.length - 5;
        if (got === BYTES) resolve();
        if (type === 4) reject(new Error(`short download ${got}`));
      },
    });
    session.send(id, Buffer.from(`D${BYTES}\n`));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  session.dispose();
  return BYTES / 1e6 / seconds;
}

async function wispUpload(relay, port) {
  const session = await WispSession.open(relay.url);
  const piece = chunk.subarray(0, 60 * 1024);
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    let sent = 0;
    const id = session.openStream(port, {
      onFrame(type, data) {
        if (type === 2 && data.subarray(5).toString() === 'ok') resolve();
        if (type === 4) reject(new Error(`closed early (reason 0x${data[5].toString(16)}) after ${sent} bytes`));
      },
      onCredit: () => pump(),
    });
    const pump = () => {
      while (sent < BYTES && session.credit.get(id) > 0 && session.ws.bufferedAmount < 8 * 1024 * 1024) {
        const size = Math.min(piece.length, BYTES - sent);
        session.send(id, piece.subarray(0, size));
        sent += size;
      }
      if (sent < BYTES && session.credit.get(id) > 0) setImmediate(pump);
    };
    session.send(id, Buffer.from(`U${BYTES}\n`));
    pump();
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  session.dispose();
  return BYTES / 1e6 / seconds;
}

async function wispPing(relay, port) {
  const session = await WispSession.open(relay.url);
  let id = 0;
  const ping = pingPong((bytes) => session.send(id, bytes));
  id = session.openStream(port, { onFrame: (type, data) => type === 2 && ping.onData(data.length - 5) });
  ping.start();
  const result = await ping.done;
  session.dispose();
  return result;
}

async function wispOpenRate(relay, port) {
  const session = await WispSession.open(relay.url);
  const started = process.hrtime.bigint();
  for (let i = 0; i < OPENS; ++i) {
    await new Promise((resolve) => {
      const id = session.openStream(port, {
        onFrame(type) {
          if (type !== 2) return;
          session.close(id);
          resolve();
        },
      });
      session.send(id, Buffer.from('E\nx'));
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  session.dispose();
  return OPENS / seconds;
}

async function wispIdleMemory(relay, port) {
  const session = await WispSession.open(relay.url);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = rssKiB(relay.child.pid);
  let confirmed = 0;
  await new Promise((resolve) => {
    for (let i = 0; i < IDLE; ++i) {
      const id = session.openStream(port, {
        onFrame(type) {
          if (type === 2 && ++confirmed === IDLE) resolve();
        },
      });
      session.send(id, Buffer.from('E\n.'));
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = rssKiB(relay.child.pid);
  session.dispose();
  return (after - before) / IDLE;
}

async function rawDownload(port) {
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    let got = 0;
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`D${BYTES}\n`));
    socket.on('data', (data) => {
      got += data.length;
      if (got < BYTES) return;
      socket.destroy();
      resolve();
    });
    socket.on('end', () => got < BYTES && reject(new Error('short')));
  });
  return BYTES / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function rawPing(port) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.on('connect', resolve));
  const ping = pingPong((bytes) => socket.write(bytes));
  socket.on('data', (data) => ping.onData(data.length));
  ping.start();
  const result = await ping.done;
  socket.destroy();
  return result;
}

// ---------- report ----------

const median = (values) => {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  return finite.length ? finite[Math.floor(finite.length / 2)] : NaN;
};
const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** A measurement that does not finish within the limit counts as failed (NaN, shown as "—"). */
async function bounded(name, relay, work, limitMs = 60_000) {
  let timer;
  const limit = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), limitMs)));
  try {
    const value = await Promise.race([work(), limit]);
    if (value !== 'timeout') return value;
  } catch (error) {
    process.stderr.write(`${relay.name} ${name}: ${error.message}\n`);
    return NaN;
  } finally {
    clearTimeout(timer);
  }
  process.stderr.write(`${relay.name} ${name}: did not finish in ${limitMs / 1000} s\n`);
  return NaN;
}

async function measure(relay, peerPort) {
  const wisp = relay.kind === 'wisp';
  const result = { download: [], upload: [], p50: [], p99: [], opens: [], cpuPerGiB: [], nativeDownload: [], nativeUpload: [], nativeCpuPerGiB: [] };
  for (let run = 0; run < RUNS; ++run) {
    if (existsSync(nativeClient)) {
      const cpuBefore = cpuSeconds(relay.child.pid);
      result.nativeDownload.push(await bounded('native download', relay, () => nativeTransfer(relay, 'download', peerPort)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      result.nativeCpuPerGiB.push((cpuSeconds(relay.child.pid) - cpuBefore) / (BYTES / 2 ** 30));
      result.nativeUpload.push(await bounded('native upload', relay, () => nativeTransfer(relay, 'upload', peerPort)));
    }
    const cpuBefore = cpuSeconds(relay.child.pid);
    result.download.push(await bounded('download', relay, () => (wisp ? wispDownload(relay, peerPort) : wsDownload(relay))));
    // websockify's per-connection child is counted once reaped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    result.cpuPerGiB.push((cpuSeconds(relay.child.pid) - cpuBefore) / (BYTES / 2 ** 30));
    result.upload.push(await bounded('upload', relay, () => (wisp ? wispUpload(relay, peerPort) : wsUpload(relay))));
    const ping = await bounded('ping', relay, () => (wisp ? wispPing(relay, peerPort) : wsPing(relay)));
    result.p50.push(ping?.p50 ?? NaN);
    result.p99.push(ping?.p99 ?? NaN);
  }
  // Opens last: websockify can stall after a few hundred forks in a row, and
  // would then fail every later measurement of its runs.
  for (let run = 0; run < RUNS; ++run) {
    result.opens.push(await bounded('opens', relay, () => (wisp ? wispOpenRate(relay, peerPort) : wsOpenRate(relay))));
    if (Number.isNaN(result.opens.at(-1))) break; // stalled: the later runs would only wait out their limit
  }
  // websockify forks a process per connection: idle streams are not comparable.
  result.idle = wisp ? await bounded('idle', relay, () => wispIdleMemory(relay, peerPort)) : NaN;
  return result;
}

async function main() {
  // The load on every CPU but 0, for this process's threads and every process it starts.
  if (PIN) execFileSync('taskset', ['-apc', `1-${os.availableParallelism() - 1}`, String(process.pid)], { stdio: 'ignore' });
  const peer = await startPeer();
  const peerPort = peer.port;
  const rows = [];
  const starters = [startSockbridge, startWispJs];
  if (await haveWebsockify()) starters.push(() => startWebsockify(peerPort));
  else process.stderr.write('websockify not installed (apt-get install websockify): skipped\n');
  for (const start of starters) {
    const relay = await start();
    try {
      const r = await measure(relay, peerPort);
      rows.push({ name: relay.name, ...r });
      process.stderr.write(`${relay.name}: done\n`);
    } finally {
      if (relay.stop) relay.stop();
      else relay.child.kill('SIGTERM');
    }
  }
  const raw = { download: [], p50: [], p99: [], nativeDownload: [] };
  for (let run = 0; run < RUNS; ++run) {
    raw.download.push(await rawDownload(peerPort));
    if (existsSync(nativeClient)) raw.nativeDownload.push(await native(['tcp', peerPort, 'download', BYTES]));
    const ping = await rawPing(peerPort);
    raw.p50.push(ping.p50);
    raw.p99.push(ping.p99);
  }
  peer.close();

  const ours = rows[0];
  const lines = [];
  lines.push(`Runs: ${RUNS} (medians), ${BYTES / 1048576} MiB transfers, ${PINGS} pings of 32 bytes, ${OPENS} sequential stream opens, ${IDLE} idle streams.` +
    (PIN ? ' Pinned (--pin): each relay on CPU 0, the peer and the clients on the others (so raw TCP has only those).' : ''));
  lines.push('');
  lines.push('| relay | download MB/s | relay CPU s per GiB down | upload MB/s | ping p50 µs | ping p99 µs | opens/s | KiB per idle stream |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    lines.push(`| ${r.name} | ${fmt(median(r.download))} | ${fmt(median(r.cpuPerGiB), 2)} | ${fmt(median(r.upload))} | ${fmt(median(r.p50))} | ${fmt(median(r.p99))} | ${fmt(median(r.opens), 0)} | ${fmt(r.idle, 2)} |`);
  lines.push(`| raw TCP (no relay) | ${fmt(median(raw.download))} | — | — | ${fmt(median(raw.p50))} | ${fmt(median(raw.p99))} | — | — |`);
  lines.push('');
  for (const r of rows.slice(1)) {
    lines.push(`sockbridge-relay / ${r.name}: download ×${fmt(median(ours.download) / median(r.download), 2)}, upload ×${fmt(median(ours.upload) / median(r.upload), 2)}, ` +
      `relay CPU per GiB down ×${fmt(median(ours.cpuPerGiB) / median(r.cpuPerGiB), 2)} (lower is better), p50 latency ×${fmt(median(ours.p50) / median(r.p50), 2)} (lower is better), opens ×${fmt(median(ours.opens) / median(r.opens), 2)}, idle memory ×${fmt(ours.idle / r.idle, 2)} (lower is better).`);
  }
  lines.push(`sockbridge-relay download / raw TCP: ${fmt((100 * median(ours.download)) / median(raw.download), 0)} %.`);
  if (raw.nativeDownload.length) {
    lines.push('');
    lines.push('The same transfers with the native client (`sockbridge-bench-client`):');
    lines.push('');
    lines.push('| relay | download MB/s | relay CPU s per GiB down | upload MB/s |');
    lines.push('|---|---|---|---|');
    for (const r of rows) lines.push(`| ${r.name} | ${fmt(median(r.nativeDownload))} | ${fmt(median(r.nativeCpuPerGiB), 2)} | ${fmt(median(r.nativeUpload))} |`);
    lines.push(`| raw TCP (no relay) | ${fmt(median(raw.nativeDownload))} | — | — |`);
    lines.push('');
    for (const r of rows.slice(1)) {
      lines.push(`sockbridge-relay / ${r.name}, native client: download ×${fmt(median(ours.nativeDownload) / median(r.nativeDownload), 2)}, upload ×${fmt(median(ours.nativeUpload) / median(r.nativeUpload), 2)}, ` +
        `relay CPU per GiB down ×${fmt(median(ours.nativeCpuPerGiB) / median(r.nativeCpuPerGiB), 2)} (lower is better).`);
    }
    lines.push(`sockbridge-relay download / raw TCP, native client: ${fmt((100 * median(ours.nativeDownload)) / median(raw.nativeDownload), 0)} %.`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
