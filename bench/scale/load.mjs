// bench/scale/load.mjs: one load-generator process of bench/scale (forked by
// bench.mjs, which runs several so that no single JavaScript thread limits
// the figures). It opens its share of the WebSocket sessions (Wisp v1, the
// minimal client of bench/relay), one echo stream each to the peer, then on
// the parent's word runs a phase: every session sends one 32-byte DATA per
// second at its own offset within the second and times the echo; with
// downloads on, some sessions also fetch 64 KiB over a fresh stream, again and
// again, until the phase ends. It reports the echo times, its own CPU and how
// late its timers fired (its health), then waits for the next phase or "exit".
//
// Messages from the parent: {type: 'open', url, sessions, echoPort, first, total}
// then {type: 'phase', startAt, seconds, download, downloadBytes, downloadPort,
// downloadIntervalMs} (download: every session of this process downloads too)
// and finally {type: 'exit'}. Session `first + i` of `total` sends at
// (first + i) / total of each second.
import { performance } from 'node:perf_hooks';

import { WispSession } from '../relay/wisp_client.mjs';

const ECHO_BYTES = 32;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {{session: WispSession, stream: number, index: number, got: number, sentAt: number}[]} */
const echoers = [];

async function open({ url, sessions, echoPort, first, total }) {
  for (let i = 0; i < sessions; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, sessions - i) }, () => WispSession.open(url)));
    for (const session of batch) {
      const echoer = { session, stream: 0, index: first + echoers.length, got: 0, sentAt: -1, total };
      echoer.stream = session.openStream(echoPort, {
        onFrame: (type, frame) => {
          if (type === 2) onEcho(echoer, frame.length - 5);
        },
      });
      session.send(echoer.stream, Buffer.from('E\n'));
      echoers.push(echoer);
    }
  }
}

/** @type {number[]} */
let latencies = [];

function onEcho(echoer, bytes) {
  echoer.got += bytes;
  if (echoer.got < ECHO_BYTES || echoer.sentAt < 0) return;
  latencies.push(performance.now() - echoer.sentAt);
  echoer.got -= ECHO_BYTES;
  echoer.sentAt = -1;
}

/**
 * Downloads `bytes` over a new stream, again and again until `until`
 * (performance.now()): back to back with interval 0, else one every interval
 * ms (skipping a turn when the last one has not finished).
 */
async function downloadLoop(session, port, bytes, until, interval, firstAt, counts) {
  let at = firstAt;
  while (performance.now() < until) {
    if (interval > 0) {
      await sleep(Math.max(0, at - performance.now()));
      at += interval * Math.max(1, Math.ceil((performance.now() - at) / interval));
      if (performance.now() >= until) break;
    }
    await new Promise((resolve) => {
      let got = 0;
      const id = session.openStream(port, {
        onFrame: (type, frame) => {
          if (type === 2) got += frame.length - 5;
          if (got >= bytes || type === 4) {
            if (type !== 4) session.close(id);
            if (got >= bytes) ++counts.done;
            resolve();
          }
        },
      });
      session.send(id, Buffer.from(`D${bytes}\n`));
    });
  }
}

async function phase({ startAt, seconds, download, downloadBytes, downloadPort, downloadIntervalMs }) {
  latencies = [];
  let lost = 0;
  const lags = [];
  const payload = Buffer.alloc(ECHO_BYTES, 0x61);
  // startAt is wall-clock time shared by every load process; the rest runs on performance.now().
  const start = performance.now() + (startAt - Date.now());
  const end = start + seconds * 1000;
  const counts = { done: 0 };
  const downloads = download
    ? echoers.map((echoer) =>
        downloadLoop(echoer.session, downloadPort, downloadBytes, end, downloadIntervalMs,
          start + (echoer.index / echoer.total) * 1000, counts))
    : [];
  // One send per session per second, session i at i/total of the second.
  const due = echoers.map((echoer) => ({ echoer, at: start + (echoer.index / echoer.total) * 1000 }));
  due.sort((a, b) => a.at - b.at);
  const cpuBefore = process.cpuUsage();
  await sleep(Math.max(0, start - performance.now()));
  for (let round = 0; round < seconds; ++round) {
    const offset = round * 1000;
    let next = 0;
    while (next < due.length) {
      const now = performance.now();
      while (next < due.length && due[next].at + offset <= now) {
        const { echoer, at } = due[next++];
        lags.push(now - (at + offset));
        if (echoer.sentAt >= 0) ++lost;  // the previous echo never came back
        echoer.got = 0;
        echoer.sentAt = -1;
        if (!echoer.session.hasCredit(echoer.stream)) {
          ++lost;  // the relay has not granted Wisp buffer for it
          continue;
        }
        echoer.sentAt = performance.now();
        echoer.session.send(echoer.stream, payload);
      }
      if (next < due.length) await sleep(Math.max(0, Math.min(5, due[next].at + offset - performance.now())));
    }
  }
  await sleep(Math.max(0, end + 1000 - performance.now()));  // the last echoes' time to arrive
  for (const echoer of echoers) {
    if (echoer.sentAt >= 0) ++lost;
    echoer.sentAt = -1;
  }
  await Promise.all(downloads);
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, lost, lags, cpuSeconds: (cpu.user + cpu.system) / 1e6, downloads: counts.done };
}

process.on('message', async (message) => {
  if (message.type === 'open') {
    await open(message);
    process.send({ type: 'opened', sessions: echoers.length });
  } else if (message.type === 'phase') {
    process.send({ type: 'result', ...(await phase(message)) });
  } else if (message.type === 'exit') {
    for (const { session } of echoers) session.dispose();
    process.exit(0);
  }
});
