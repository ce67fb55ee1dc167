// bench/sessions: memory per idle session and per idle stream, sockbridge-relay
// beside the wisp-js server, in the same run (issue 21). Each relay gets
// SESSIONS WebSocket sessions (Wisp v1, the same minimal client for both:
// bench/relay/wisp_client.mjs), each with one TCP stream to an idle peer on
// 127.0.0.1 that accepts and holds its connections; then EXTRA more idle
// streams in every session. Reported: the relay process's resident memory
// (VmRSS) grown per session with its stream, and per extra stream, after the
// peer holds every connection and a settle pause.
//
//   node bench/sessions/bench.mjs [--sessions 2000] [--extra 4] [--settle-ms 2000] [--baseline-relay PATH]
//
// --baseline-relay PATH measures a second relay binary (another build, say
// before a change) in the same run, beside this tree's and wisp-js.
//
// Needs `ulimit -n` above 2 × sessions × (1 + extra) plus slack (both ends of
// every connection live in this machine).
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { rssKiB, WispSession } from '../relay/wisp_client.mjs';
import { closedPort } from '../../tests/browser/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({
  options: {
    sessions: { type: 'string', default: '2000' },
    extra: { type: 'string', default: '4' },
    'settle-ms': { type: 'string', default: '2000' },
    'baseline-relay': { type: 'string' },
  },
});
const SESSIONS = Number(flags.sessions);
const EXTRA = Number(flags.extra);
const SETTLE_MS = Number(flags['settle-ms']);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An idle peer: accepts and holds connections, counting them. */
async function startPeer() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, held: () => sockets.size, close: () => { for (const s of sockets) s.destroy(); server.close(); } };
}

async function untilAccepting(port) {
  for (let i = 0; i < 200; ++i) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${port}`);
}

async function startSockbridge(binary = path.join(root, 'build/relay/sockbridge-relay'), name = 'sockbridge-relay') {
  const port = await closedPort();
  const limit = String(SESSIONS + 16);
  const child = spawn(binary, [
    '--listen', `127.0.0.1:${port}`, '--dev', '--max-sessions', limit, '--max-sessions-per-address', limit,
    '--max-streams-per-session', String(EXTRA + 16), '--max-streams-total', String(SESSIONS * (EXTRA + 2)),
  ], { stdio: ['ignore', 'ignore', 'ignore'] });
  await untilAccepting(port);
  return { name, child, url: `ws://127.0.0.1:${port}/` };
}

async function startWispJs() {
  const port = await closedPort();
  const options = JSON.stringify({ allow_loopback_ips: true, allow_private_ips: true });
  const child = spawn(process.execPath, [
    path.join(root, 'node_modules/@mercuryworkshop/wisp-js/src/bin/server_cli.mjs'),
    '-H', '127.0.0.1', '-P', String(port), '-L', 'ERROR', '-O', options,
  ], { stdio: ['ignore', 'ignore', 'ignore'] });
  await untilAccepting(port);
  return { name: 'wisp-js server', child, url: `ws://127.0.0.1:${port}/` };
}

/** Waits until the peer holds `count` connections, or their number stopped growing for 5 s; returns it. */
async function untilHeld(peer, count) {
  let last = -1;
  let since = Date.now();
  while (peer.held() < count && Date.now() - since < 5000) {
    if (peer.held() !== last) [last, since] = [peer.held(), Date.now()];
    await sleep(100);
  }
  await sleep(SETTLE_MS);
  return peer.held();
}

async function measure(start) {
  const relay = await start();
  const peer = await startPeer();
  try {
    await sleep(SETTLE_MS);
    const base = rssKiB(relay.child.pid);
    const sessions = [];
    for (let i = 0; i < SESSIONS; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, SESSIONS - i) }, () => WispSession.open(relay.url)));
      for (const session of batch) session.openStream(peer.port, () => {});
      sessions.push(...batch);
    }
    const firstStreams = await untilHeld(peer, SESSIONS);
    const withSessions = rssKiB(relay.child.pid);
    for (let e = 0; e < EXTRA; ++e) for (const session of sessions) session.openStream(peer.port, () => {});
    const allStreams = await untilHeld(peer, SESSIONS * (1 + EXTRA));
    const withStreams = rssKiB(relay.child.pid);
    for (const session of sessions) session.dispose();
    return {
      name: relay.name,
      base,
      perSession: (withSessions - base) / SESSIONS,
      perExtraStream: EXTRA ? (withStreams - withSessions) / (allStreams - firstStreams) : 0,
      streams: `${firstStreams} + ${allStreams - firstStreams}`,
    };
  } finally {
    peer.close();
    relay.child.kill('SIGKILL');
  }
}

const results = [];
const servers = [() => startSockbridge()];
if (flags['baseline-relay'])
  servers.push(() => startSockbridge(path.resolve(flags['baseline-relay']), 'sockbridge-relay (baseline)'));
servers.push(startWispJs);
for (const start of servers) results.push(await measure(start));
console.log(`${SESSIONS} sessions, one idle TCP stream each, then ${EXTRA} more idle streams each; RSS growth:`);
console.log('| server | RSS at start | KiB per session with its stream | KiB per extra idle stream | streams held (first + extra) |');
console.log('|---|---|---|---|---|');
for (const r of results)
  console.log(`| ${r.name} | ${(r.base / 1024).toFixed(1)} MiB | ${r.perSession.toFixed(2)} | ${r.perExtraStream.toFixed(2)} | ${r.streams} |`);
process.exit(0);
