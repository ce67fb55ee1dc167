#!/usr/bin/env node
// bench/scale: many sessions on one machine (issue 21), sockbridge-relay beside
// the @mercuryworkshop/wisp-js server in the same run. Each server gets
// SESSIONS WebSocket sessions (Wisp v1, the same native client for every
// server), each with one TCP stream to an echo peer on 127.0.0.1. The load
// and the peers are bench/scale's native `sockbridge-scale-load` (load.cpp,
// built with the tree: C++ Asio and Beast, one thread per process, thousands
// of sessions each). Reported per server, medians of RUNS runs:
//   - idle: the server's VmRSS growth per session with its stream, once every
//     session is open and before any echo;
//   - quiet phase: every session sends one 32-byte DATA per second, session i
//     of N at i/N of each second (evenly spread, never in bursts), for SECONDS
//     s; echo time p50/p99/max (client send → echo back, steady_clock), echoes
//     lost, the server's CPU and how long its threads waited for a CPU;
//   - with --download-share F > 0, a second phase on the same sessions: the
//     same echoes while a fraction F of the sessions (in a load process of
//     their own) each download 64 KiB over a fresh stream, once a second
//     (--download-interval-ms; 0: back to back), from a second peer; the echo
//     p99 of the other sessions against their quiet one (fairness: downloads
//     must not starve the echoes of other sessions).
// The load processes report how late each of their sends left against its
// due time ("send lag"), so a late generator shows instead of passing for a
// slow server. Server "direct" (in --servers) runs the same echoes over plain
// TCP straight to the peer: the floor the machine itself sets.
//
// --pin puts the servers on CPU 0 and the load and peers on CPU 1 (taskset),
// so that they do not take each other's core; --relay-threads N gives the relay
// N I/O threads (0: its default, one per core). --realtime runs every process
// of the run under SCHED_FIFO (chrt, root): on a machine shared with other
// work it runs first, as on a machine of its own (the kernel's RT throttling
// still leaves 5 % of each second to the rest); --nice=-10 is the milder form.
//
//   node bench/scale/bench.mjs [--sessions 8000] [--seconds 10] [--runs 3] [--loaders 2] [--pin]
//   node bench/scale/bench.mjs --sessions 2000 --download-share 0.1
//   node bench/scale/bench.mjs --servers direct,sockbridge,wisp-js
//   node bench/scale/bench.mjs --baseline-relay /tmp/old/sockbridge-relay   (before/after a change)
//
// File descriptors: the server holds 2 per session, the peer 1 per stream, each
// loader 1 per session. The script raises its soft `ulimit -n` to the hard
// limit (re-running itself under `sh -c 'ulimit -n …'`, which its children
// inherit); with a hard limit of 20,000 that is enough for 8,000 sessions.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
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
    load: { type: 'string', default: path.join(root, 'build/bench/scale/sockbridge-scale-load') },
    pin: { type: 'boolean', default: false },
    // Every process of the run (servers, peers, load) under SCHED_FIFO (chrt -f): they run before
    // any ordinary process of a shared machine, as a relay on a machine of its own would.
    realtime: { type: 'boolean', default: false },
    'relay-threads': { type: 'string', default: '0' },
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
const PIN = flags.pin;
if (!existsSync(flags.load)) throw new Error(`${flags.load} is missing: build the tree (./scripts/build)`);

const REALTIME_PRIORITY = 10;

/** Spawns a process of the run; with --pin on `cpu`, with --realtime under SCHED_FIFO (taskset and chrt exec it, so the pid is the program's). */
function spawnOn(cpu, command, args, options) {
  const prefix = [
    ...(PIN ? ['taskset', '-c', String(cpu)] : []),
    ...(flags.realtime ? ['chrt', '-f', String(REALTIME_PRIORITY)] : []),
  ];
  return prefix.length ? spawn(prefix[0], [...prefix.slice(1), command, ...args], options) : spawn(command, args, options);
}
const SERVER_CPU = 0;
const LOAD_CPU = 1;

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

/** A load-generator process (or a peer): one JSON line out per request line in. */
function startNative(args) {
  const child = prioritize(spawnOn(LOAD_CPU, flags.load, args, { stdio: ['pipe', 'pipe', 'inherit'] }));
  const waiting = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`sockbridge-scale-load ${args[0]} exited (${code})`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  return {
    child,
    next,
    ask: (line) => (child.stdin.write(`${line}\n`), next()),
    stop: () => child.stdin.end(),
  };
}

/** The native TCP peer in its own process: "E\n" echoes, "D<n>\n" sends n bytes. */
async function startPeer() {
  const peer = startNative(['peer']);
  return { ...peer, port: (await peer.next()).port };
}

/** sockbridge-relay from `binary`, with limits that let every session and stream in. */
async function startRelay(binary, name) {
  const port = await closedPort();
  const sessions = String(SESSIONS + 16);
  const child = spawnOn(SERVER_CPU, binary, [
    '--listen', `127.0.0.1:${port}`, '--dev', '--max-sessions', sessions, '--max-sessions-per-address', sessions,
    '--max-streams-per-session', '64', '--max-streams-total', String(SESSIONS * 4), '--threads', flags['relay-threads'],
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
    const child = spawnOn(SERVER_CPU, process.execPath, [
      path.join(root, 'node_modules/@mercuryworkshop/wisp-js/src/bin/server_cli.mjs'),
      '-H', '127.0.0.1', '-P', String(port), '-L', 'ERROR', '-O', options,
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
    prioritize(child);
    await untilAccepting(port);
    return { name: 'wisp-js server', child, url: `ws://127.0.0.1:${port}/` };
  },
  // No server: the load's TCP connections go straight to the echo peer.
  direct: async () => ({ name: 'none (TCP straight to the peer)', child: null, url: null }),
};

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

/** Echo statistics (ms) over some load processes' results. */
function echoStats(results) {
  const latencies = results.flatMap((r) => r.echo_us).sort((a, b) => a - b);
  const ms = (us) => us / 1000;
  return {
    p50: ms(percentile(latencies, 50)),
    p99: ms(percentile(latencies, 99)),
    max: ms(latencies.at(-1) ?? NaN),
    echoes: latencies.length,
    lost: results.reduce((sum, r) => sum + r.lost, 0),
  };
}

/** The 1-minute load average. */
function loadAverage() {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** One phase on every load process; with downloads, the download process's sessions download too. */
async function runPhase(server, loaders, downloader, peers, downloads) {
  const pid = server.child?.pid;
  const cpuBefore = pid ? cpuSeconds(pid) : NaN;
  const schedBefore = pid ? schedstat(pid) : null;
  const startAt = Date.now() + 1000;
  const all = downloader ? [...loaders, downloader] : loaders;
  const results = await Promise.all(all.map((loader) => loader.ask(
    `phase ${startAt} ${SECONDS} ${downloads && loader === downloader ? 1 : 0} ${DOWNLOAD_BYTES} ${peers.download.port} ${DOWNLOAD_INTERVAL_MS}`)));
  const serverCpu = pid ? cpuSeconds(pid) - cpuBefore : NaN;
  const schedAfter = pid ? schedstat(pid) : null;
  const lags = results.flatMap((r) => r.lag_us).sort((a, b) => a - b);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  if (errors) console.error(`${server.name}: ${errors} session errors in a phase, first: ${results.find((r) => r.error).error}`);
  const wall = SECONDS + 2;
  return {
    ...echoStats(results),
    // The sessions that download nothing: what fairness is about.
    others: echoStats(results.slice(0, loaders.length)),
    downloaders: echoStats(results.slice(loaders.length)),
    serverCpu: (serverCpu / wall) * 100,
    // How long the server's threads, once runnable, waited for a CPU (other processes held them).
    serverRunQueueMs: pid ? (schedAfter.waitNs - schedBefore.waitNs) / 1e6 / Math.max(1, schedAfter.runs - schedBefore.runs) : NaN,
    loaderCpu: Math.max(...results.map((r) => (r.cpu_seconds / wall) * 100)),
    lagP99: percentile(lags, 99) / 1000,
    lagMax: (lags.at(-1) ?? NaN) / 1000,
    downloads: results.reduce((sum, r) => sum + r.downloads, 0),
    errors,
    loadAverage: loadAverage(),
  };
}

async function measure(start) {
  // The downloads come from a peer process of their own: a peer busy sending
  // them would delay the echoes itself.
  const peers = { echo: await startPeer(), download: await startPeer() };
  const server = await start();
  const kind = server.url ? ['wisp', server.url] : ['tcp'];
  // "direct" has no downloads (they need Wisp streams): all its sessions echo.
  const downloading = server.url ? DOWNLOAD_SESSIONS : 0;
  const echoing = SESSIONS - downloading;
  const share = Math.ceil(echoing / LOADERS);
  const loaders = Array.from({ length: LOADERS }, (_, i) =>
    startNative([...kind, String(peers.echo.port), String(Math.max(0, Math.min(share, echoing - i * share))), String(i * share), String(SESSIONS)]));
  // The downloading sessions in a process of their own, so that the echo
  // times of the others are not those of a load process busy downloading.
  const downloader = downloading > 0
    ? startNative([...kind, String(peers.echo.port), String(downloading), String(echoing), String(SESSIONS)])
    : null;
  const all = downloader ? [...loaders, downloader] : loaders;
  try {
    const base = server.child ? rssKiB(server.child.pid) : NaN;
    const opened = await Promise.all(all.map((loader) => loader.next()));
    const failed = opened.reduce((sum, m) => sum + m.failed, 0);
    if (failed) console.error(`${server.name}: ${failed} sessions failed to open, first: ${opened.find((m) => m.error).error}`);
    await sleep(2000);
    const idle = server.child ? rssKiB(server.child.pid) : NaN;
    const result = {
      name: server.name,
      sessions: opened.reduce((sum, m) => sum + m.opened, 0),
      openSeconds: Math.max(...opened.map((m) => m.seconds)),
      perSessionKiB: (idle - base) / SESSIONS,
      quiet: await runPhase(server, loaders, downloader, peers, false),
    };
    if (downloader) result.busy = await runPhase(server, loaders, downloader, peers, true);
    return result;
  } finally {
    for (const loader of all) {
      loader.stop();
      setTimeout(() => loader.child.kill('SIGKILL'), 5000).unref();
    }
    server.child?.kill('SIGKILL');
    for (const peer of Object.values(peers)) peer.stop();
  }
}

async function main() {
  const names = flags.servers.split(',');
  if (flags['baseline-relay'] && !names.includes('baseline')) names.splice(1, 0, 'baseline');
  /** @type {Record<string, any[]>} */
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  const loadBefore = loadAverage();
  for (let run = 0; run < RUNS; ++run)
    for (const name of names) {
      const result = await measure(servers[name]);
      runs[name].push(result);
      const busy = result.busy ? `, with downloads p99 ${result.busy.others.p99.toFixed(2)} ms` : '';
      console.error(`run ${run + 1} ${result.name}: ${result.sessions} sessions, ${result.perSessionKiB.toFixed(2)} KiB/session, ` +
        `echo p50 ${result.quiet.p50.toFixed(2)} p99 ${result.quiet.p99.toFixed(2)} ms, send lag p99 ${result.quiet.lagP99.toFixed(2)} ms, ` +
        `load ${result.quiet.loadAverage}${busy}`);
      await sleep(1000);
    }
  const m = (name, pick) => median(runs[name].map(pick));
  const each = (name, pick, digits = 1) => runs[name].map((r) => fmt(pick(r), digits)).join(' / ');
  const fmt = (v, digits = 2) => (Number.isNaN(v) ? '—' : v.toFixed(digits));
  const pin = (PIN ? `servers on CPU ${SERVER_CPU}, load and peers on CPU ${LOAD_CPU}` : 'nothing pinned') +
    (flags.realtime ? `; every process of the run SCHED_FIFO ${REALTIME_PRIORITY}` : '');
  console.log(`${SESSIONS} sessions × 1 echo stream, one 32-byte echo per session per second for ${SECONDS} s; ` +
    `${LOADERS} load processes (native); ${pin}; relay --threads ${flags['relay-threads']}; nice ${NICE}; medians of ${RUNS} runs; ` +
    `1-min load average before ${loadBefore}, after ${loadAverage()}\n`);
  console.log('| server | KiB per idle session (with its stream) | echo p50 ms | echo p99 ms (runs) | echo max ms | echoes / lost | server CPU % | server wait for a CPU, ms per run | loader CPU % (busiest) | send lag p99 / max ms | load average |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const name of names) {
    const q = (pick) => m(name, (r) => pick(r.quiet));
    console.log(`| ${runs[name][0].name} | ${fmt(m(name, (r) => r.perSessionKiB))} | ${fmt(q((p) => p.p50))} | ` +
      `${fmt(q((p) => p.p99))} (${each(name, (r) => r.quiet.p99)}) | ${fmt(q((p) => p.max), 1)} | ` +
      `${q((p) => p.echoes)} / ${q((p) => p.lost)} | ${fmt(q((p) => p.serverCpu), 0)} | ${fmt(q((p) => p.serverRunQueueMs), 3)} | ` +
      `${fmt(q((p) => p.loaderCpu), 0)} | ${fmt(q((p) => p.lagP99))} / ${fmt(q((p) => p.lagMax), 1)} | ${fmt(q((p) => p.loadAverage))} |`);
  }
  const fairness = names.filter((name) => runs[name][0].busy);
  if (fairness.length) {
    const how = DOWNLOAD_INTERVAL_MS > 0 ? `one every ${DOWNLOAD_INTERVAL_MS} ms` : 'back to back';
    console.log(`\nSame sessions, ${DOWNLOAD_SESSIONS} of them (in a load process of their own) also downloading ` +
      `${DOWNLOAD_BYTES / 1024} KiB over a fresh stream, ${how}; echo times of the other sessions:\n`);
    console.log('| server | quiet echo p99 ms | with downloads: echo p50 ms | echo p99 ms | p99 ratio (with downloads / quiet; runs) | downloading sessions\' own echo p99 ms | downloads done | server CPU % | server wait for a CPU, ms per run | send lag p99 ms | load average |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const name of fairness) {
      const b = (pick) => m(name, (r) => pick(r.busy));
      const ratioOf = (r) => r.busy.others.p99 / r.quiet.others.p99;
      console.log(`| ${runs[name][0].name} | ${fmt(m(name, (r) => r.quiet.others.p99))} | ${fmt(b((p) => p.others.p50))} | ` +
        `${fmt(b((p) => p.others.p99))} | ${fmt(m(name, ratioOf))}× (${each(name, ratioOf, 2)}) | ${fmt(b((p) => p.downloaders.p99))} | ` +
        `${b((p) => p.downloads)} | ${fmt(b((p) => p.serverCpu), 0)} | ${fmt(b((p) => p.serverRunQueueMs), 3)} | ` +
        `${fmt(b((p) => p.lagP99))} | ${fmt(b((p) => p.loadAverage))} |`);
    }
  }
  if (names.includes('sockbridge') && names.includes('wisp-js')) {
    const [a, b] = ['sockbridge', 'wisp-js'];
    const ratio = (pick) => m(a, pick) / m(b, pick);
    const times = (v) => (Number.isNaN(v) ? '—' : `${v.toPrecision(2)}×`);
    console.log(`\nRatios ${runs[a][0].name} / ${runs[b][0].name}: memory per session ${times(ratio((r) => r.perSessionKiB))}, ` +
      `echo p50 ${times(ratio((r) => r.quiet.p50))}, p99 ${times(ratio((r) => r.quiet.p99))}`);
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
