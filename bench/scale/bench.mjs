#!/usr/bin/env node
// bench/scale: many sessions on one machine (issue 21), sockbridge-relay beside
// the @mercuryworkshop/wisp-js server in the same run. Each server gets
// SESSIONS WebSocket sessions (Wisp v1, bench/relay's minimal client for both),
// each with one TCP stream to an echo peer on 127.0.0.1 (bench/relay/peer.mjs,
// its own process). Reported per server, medians of RUNS runs:
//   - idle: the server's VmRSS growth per session with its stream, once every
//     session is open and before any echo;
//   - quiet phase: every session sends one 32-byte DATA per second, each at its
//     own offset within the second, for SECONDS s; echo time p50/p99/max
//     (client send → echo back), echoes lost, the server's CPU;
//   - with --download-share F > 0, a second phase on the same sessions: the
//     same echoes while a fraction F of the sessions (in a load process of
//     their own) each download 64 KiB over a fresh stream, once a second
//     (--download-interval-ms; 0: back to back); the echo p99 of the other
//     sessions against their quiet one (fairness: downloads must not starve
//     the echoes of other sessions).
// The load runs in LOADERS forked processes (bench/scale/load.mjs); their CPU
// and how late their send timers fired are reported, so a saturated client
// shows instead of passing for a slow server.
//
//   node bench/scale/bench.mjs [--sessions 8000] [--seconds 10] [--runs 3] [--loaders 2]
//   node bench/scale/bench.mjs --sessions 2000 --download-share 0.1
//   node bench/scale/bench.mjs --baseline-relay /tmp/old/sockbridge-relay   (before/after a change)
//
// File descriptors: the server holds 2 per session, the peer 1 per stream, each
// loader 1 per session. The script raises its soft `ulimit -n` to the hard
// limit (re-running itself under `sh -c 'ulimit -n …'`, which its children
// inherit); with a hard limit of 20,000 that is enough for 8,000 sessions.
import { execFileSync, fork, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { closedPort } from '../../tests/browser/fixtures.js';
import { cpuSeconds, rssKiB } from '../relay/wisp_client.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values: flags } = parseArgs({
  options: {
    sessions: { type: 'string', default: '8000' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    loaders: { type: 'string', default: '2' },
    'download-share': { type: 'string', default: '0' },
    'download-kib': { type: 'string', default: '64' },
    'download-interval-ms': { type: 'string', default: '1000' },
    relay: { type: 'string', default: path.join(root, 'build/relay/sockbridge-relay') },
    // Another sockbridge-relay binary (say, a build from before a change), measured as server "baseline".
    'baseline-relay': { type: 'string' },
    servers: { type: 'string', default: 'sockbridge,wisp-js' },
    // Scheduling priority (nice value) of every process of the run: servers, peers, load.
    // A negative one (root only; --nice=-10) lets them run before other work on a shared machine.
    nice: { type: 'string', default: '0' },
  },
});
const SESSIONS = Number(flags.sessions);
const SECONDS = Number(flags.seconds);
const RUNS = Number(flags.runs);
const LOADERS = Number(flags.loaders);
const DOWNLOAD_SESSIONS = Math.round(SESSIONS * Number(flags['download-share']));
const DOWNLOAD_BYTES = Number(flags['download-kib']) * 1024;
const DOWNLOAD_INTERVAL_MS = Number(flags['download-interval-ms']);
const NICE = Number(flags.nice);

/** Gives a process of the run the --nice priority; returns it. */
function prioritize(child) {
  if (NICE !== 0) os.setPriority(child.pid, NICE);
  return child;
}

/** The soft and hard limits on open files of this process. */
function fileLimits() {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line.split(/\s+/).slice(3, 5);
  return { soft: Number(soft), hard: hard === 'unlimited' ? Infinity : Number(hard) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilAccepting(port) {
  for (let i = 0; i < 200; ++i) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** bench/relay/peer.mjs in its own process: "E\n" echoes, "D<n>\n" sends n bytes. */
async function startPeer() {
  const child = prioritize(spawn(process.execPath, [path.join(root, 'bench/relay/peer.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const line = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => resolve(data.toString()));
    child.once('exit', () => reject(new Error('the peer exited')));
  });
  return { child, port: JSON.parse(line).port };
}

/** sockbridge-relay from `binary`, with limits that let every session and stream in. */
async function startRelay(binary, name) {
  const port = await closedPort();
  const sessions = String(SESSIONS + 16);
  const child = spawn(binary, [
    '--listen', `127.0.0.1:${port}`, '--dev', '--max-sessions', sessions, '--max-sessions-per-address', sessions,
    '--max-streams-per-session', '64', '--max-streams-total', String(SESSIONS * 4),
  ], { stdio: 'ignore' });  // its JSON log (info: every stream) is not needed here
  prioritize(child);
  await untilAccepting(port);
  return { name, child, url: `ws://127.0.0.1:${port}/` };
}

const servers = {
  sockbridge: () => startRelay(flags.relay, 'sockbridge-relay'),
  baseline: () => startRelay(flags['baseline-relay'], 'sockbridge-relay (baseline)'),
  async 'wisp-js'() {
    const port = await closedPort();
    const options = JSON.stringify({ allow_loopback_ips: true, allow_private_ips: true });
    const child = spawn(process.execPath, [
      path.join(root, 'node_modules/@mercuryworkshop/wisp-js/src/bin/server_cli.mjs'),
      '-H', '127.0.0.1', '-P', String(port), '-L', 'ERROR', '-O', options,
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
    prioritize(child);
    await untilAccepting(port);
    return { name: 'wisp-js server', child, url: `ws://127.0.0.1:${port}/` };
  },
};

/** A forked load process and a way to wait for its next message. */
function startLoader() {
  const child = prioritize(fork(path.join(here, 'load.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const waiting = [];
  child.on('message', (message) => waiting.shift()?.(message));
  const next = () => new Promise((resolve, reject) => {
    waiting.push(resolve);
    child.once('exit', () => reject(new Error('a load process exited')));
  });
  return { child, ask: (message) => (child.send(message), next()) };
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const median = (values) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN;
};

/**
 * Run-queue figures of a process (all its threads) from /proc/PID/task/TID/schedstat:
 * ns spent waiting for a CPU while runnable, and how many times it ran.
 */
function schedstat(pid) {
  let waitNs = 0;
  let runs = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [, wait, slices] = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ').map(Number);
      waitNs += wait;
      runs += slices;
    } catch {
      // the thread ended meanwhile
    }
  }
  return { waitNs, runs };
}

/** Echo statistics over some load processes' results. */
function echoStats(results) {
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
    echoes: latencies.length,
    lost: results.reduce((sum, r) => sum + r.lost, 0),
  };
}

/** One phase on every load process; with downloads, the download process's sessions download too. */
async function runPhase(server, loaders, downloader, peers, downloads) {
  const cpuBefore = cpuSeconds(server.child.pid);
  const schedBefore = schedstat(server.child.pid);
  const startAt = Date.now() + 1000;
  const all = downloader ? [...loaders, downloader] : loaders;
  const results = await Promise.all(all.map((loader) => loader.ask({
    type: 'phase', startAt, seconds: SECONDS, download: downloads && loader === downloader,
    downloadBytes: DOWNLOAD_BYTES, downloadPort: peers.download.port, downloadIntervalMs: DOWNLOAD_INTERVAL_MS,
  })));
  const serverCpu = cpuSeconds(server.child.pid) - cpuBefore;
  const schedAfter = schedstat(server.child.pid);
  const lags = results.flatMap((r) => r.lags).sort((a, b) => a - b);
  const wall = SECONDS + 2;
  return {
    ...echoStats(results),
    // The sessions that download nothing: what fairness is about.
    others: echoStats(results.slice(0, loaders.length)),
    downloaders: echoStats(results.slice(loaders.length)),
    serverCpu: (serverCpu / wall) * 100,
    // How long the server's threads, once runnable, waited for a CPU (other processes held them).
    serverRunQueueMs: (schedAfter.waitNs - schedBefore.waitNs) / 1e6 / Math.max(1, schedAfter.runs - schedBefore.runs),
    loaderCpu: Math.max(...results.map((r) => (r.cpuSeconds / wall) * 100)),
    lagP99: percentile(lags, 99),
    downloads: results.reduce((sum, r) => sum + r.downloads, 0),
  };
}

async function measure(start) {
  // The downloads come from a peer process of their own: a peer busy sending
  // them would delay the echoes itself.
  const peers = { echo: await startPeer(), download: await startPeer() };
  const server = await start();
  const loaders = Array.from({ length: LOADERS }, startLoader);
  // The downloading sessions in a process of their own, so that the echo
  // times of the others are not those of a load process busy downloading.
  const downloader = DOWNLOAD_SESSIONS > 0 ? startLoader() : null;
  try {
    await sleep(500);
    const base = rssKiB(server.child.pid);
    const echoing = SESSIONS - DOWNLOAD_SESSIONS;
    const share = Math.ceil(echoing / LOADERS);
    const opened = await Promise.all([
      ...loaders.map((loader, i) => loader.ask({
        type: 'open', url: server.url, sessions: Math.min(share, echoing - i * share), echoPort: peers.echo.port,
        first: i * share, total: SESSIONS,
      })),
      ...(downloader ? [downloader.ask({
        type: 'open', url: server.url, sessions: DOWNLOAD_SESSIONS, echoPort: peers.echo.port, first: echoing, total: SESSIONS,
      })] : []),
    ]);
    await sleep(2000);
    const idle = rssKiB(server.child.pid);
    const result = {
      name: server.name,
      sessions: opened.reduce((sum, m) => sum + m.sessions, 0),
      perSessionKiB: (idle - base) / SESSIONS,
      quiet: await runPhase(server, loaders, downloader, peers, false),
    };
    if (downloader) result.busy = await runPhase(server, loaders, downloader, peers, true);
    result.afterKiB = (rssKiB(server.child.pid) - base) / SESSIONS;
    return result;
  } finally {
    for (const loader of downloader ? [...loaders, downloader] : loaders) {
      loader.child.send({ type: 'exit' });
      setTimeout(() => loader.child.kill('SIGKILL'), 5000).unref();
    }
    server.child.kill('SIGKILL');
    for (const peer of Object.values(peers)) peer.child.kill('SIGTERM');
  }
}

function load() {
  return execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ');
}

async function main() {
  const names = flags.servers.split(',');
  if (flags['baseline-relay'] && !names.includes('baseline')) names.splice(1, 0, 'baseline');
  /** @type {Record<string, any[]>} */
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  const loadBefore = load();
  for (let run = 0; run < RUNS; ++run)
    for (const name of names) {
      const result = await measure(servers[name]);
      runs[name].push(result);
      const busy = result.busy ? `, with downloads p99 ${result.busy.others.p99.toFixed(2)} ms` : '';
      console.error(`run ${run + 1} ${result.name}: ${result.perSessionKiB.toFixed(2)} KiB/session, echo p50 ${result.quiet.p50.toFixed(2)} p99 ${result.quiet.p99.toFixed(2)} ms${busy}`);
      await sleep(1000);
    }
  const m = (name, pick) => median(runs[name].map(pick));
  const fmt = (v, digits = 2) => (Number.isNaN(v) ? '—' : v.toFixed(digits));
  console.log(`${SESSIONS} sessions × 1 echo stream, one 32-byte echo per session per second for ${SECONDS} s; ` +
    `${LOADERS} load processes; nice ${NICE}; medians of ${RUNS} runs; load average before: ${loadBefore}, after: ${load()}\n`);
  console.log('| server | KiB per idle session (with its stream) | echo p50 ms | echo p99 ms | echo max ms | echoes / lost | server CPU % | server wait for a CPU, ms per run | loader CPU % (busiest) | send lag p99 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const name of names) {
    const q = (pick) => m(name, (r) => pick(r.quiet));
    console.log(`| ${runs[name][0].name} | ${fmt(m(name, (r) => r.perSessionKiB))} | ${fmt(q((p) => p.p50))} | ${fmt(q((p) => p.p99))} | ${fmt(q((p) => p.max), 1)} | ` +
      `${q((p) => p.echoes)} / ${q((p) => p.lost)} | ${fmt(q((p) => p.serverCpu), 0)} | ${fmt(q((p) => p.serverRunQueueMs), 3)} | ${fmt(q((p) => p.loaderCpu), 0)} | ${fmt(q((p) => p.lagP99))} |`);
  }
  if (DOWNLOAD_SESSIONS > 0) {
    const how = DOWNLOAD_INTERVAL_MS > 0 ? `one every ${DOWNLOAD_INTERVAL_MS} ms` : 'back to back';
    console.log(`\nSame sessions, ${DOWNLOAD_SESSIONS} of them (in a load process of their own) also downloading ` +
      `${DOWNLOAD_BYTES / 1024} KiB over a fresh stream, ${how}; echo times of the other sessions:\n`);
    console.log('| server | quiet echo p99 ms | with downloads: echo p50 ms | echo p99 ms | p99 ratio (with downloads / quiet) | downloading sessions\' own echo p99 ms | downloads done | server CPU % | server wait for a CPU, ms per run | loader CPU % (busiest) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const name of names) {
      const b = (pick) => m(name, (r) => pick(r.busy));
      const ratio = m(name, (r) => r.busy.others.p99 / r.quiet.others.p99);
      console.log(`| ${runs[name][0].name} | ${fmt(m(name, (r) => r.quiet.others.p99))} | ${fmt(b((p) => p.others.p50))} | ` +
        `${fmt(b((p) => p.others.p99))} | ${fmt(ratio)}× | ${fmt(b((p) => p.downloaders.p99))} | ` +
        `${b((p) => p.downloads)} | ${fmt(b((p) => p.serverCpu), 0)} | ${fmt(b((p) => p.serverRunQueueMs), 3)} | ${fmt(b((p) => p.loaderCpu), 0)} |`);
    }
  }
  if (names.includes('sockbridge') && names.includes('wisp-js')) {
    const [a, b] = ['sockbridge', 'wisp-js'];
    const ratio = (pick) => m(a, pick) / m(b, pick);
    console.log(`\nRatios ${runs[a][0].name} / ${runs[b][0].name}: memory per session ${fmt(ratio((r) => r.perSessionKiB))}×, ` +
      `echo p50 ${fmt(ratio((r) => r.quiet.p50))}×, p99 ${fmt(ratio((r) => r.quiet.p99))}×`);
  }
  process.exit(0);
}

const limits = fileLimits();
if (limits.soft < limits.hard && !process.env.SB_SCALE_RAISED) {
  // Node cannot raise its own limit: run again under a shell that has.
  const child = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"', process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, SB_SCALE_RAISED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}
