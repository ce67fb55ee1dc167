// bench/browser/profile.mjs: where a guest's time goes in Chromium, for one
// download (`transfer drain`) or round-trip (`transfer pingpong`) run, per
// thread (the page and the guest's Worker). Records a Chrome trace with the V8
// sampling profiler on (page.tracing), then prints each thread's
// functions by self time. A tool for looking, not a benchmark: bench.mjs
// measures. Chromium runs under puppeteer-core with network monitoring off, as
// in bench.mjs (a driver that watches the network copies every WebSocket frame).
//   node bench/browser/profile.mjs [--kind download|pingpong] [--thread worker|main]
//        [--relay-socket page|worker (default: run()'s)] [--blocking jspi|asyncify] [--mib 64] [--top 25]
import crypto from 'node:crypto';
import net from 'node:net';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';

import { startRelay } from '../../tests/browser/fixtures.js';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'download' },
    thread: { type: 'string', default: 'worker' },
    'relay-socket': { type: 'string' },
    blocking: { type: 'string', default: 'jspi' },
    mib: { type: 'string', default: '64' },
    'round-trips': { type: 'string', default: '2000' },
    top: { type: 'string', default: '25' },
  },
});

/** @param {(socket: net.Socket) => void} onConnection @returns {Promise<net.Server>} */
function listen(onConnection) {
  const server = net.createServer(onConnection);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const payload = crypto.randomBytes(Number(values.mib) * 1024 * 1024);
const peer = await listen((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  if (values.kind === 'download') socket.end(payload);
  else socket.pipe(socket);
});
const port = /** @type {net.AddressInfo} */ (peer.address()).port;
const args =
  values.kind === 'download' ? ['drain', '127.0.0.1', String(port)] : ['pingpong', '127.0.0.1', String(port), values['round-trips'], '32'];

const relay = await startRelay(['--dev']);
const browser = await puppeteer.launch({
  browser: 'chrome',
  executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
  headless: true,
  networkEnabled: false,
});
try {
  const page = await browser.newPage();
  await page.goto(`${relay.url}/healthz`);
  await page.tracing.start({
    categories: ['disabled-by-default-v8.cpu_profiler', 'v8.execute', 'devtools.timeline', '__metadata'],
  });
  const got = await page.evaluate(
    async ({ args, relay, blocking, thread, relaySocket }) => {
      const { run } = await import('/shim-js/src/embed.js');
      let stdout = '';
      const decoder = new TextDecoder();
      const code = await run({
        guest: '/guests/transfer.wasm', programName: 'transfer', args, relay, blocking, thread, relaySocket,
        stdout: (bytes) => (stdout += decoder.decode(bytes, { stream: true })),
      });
      return { code, stdout };
    },
    { args, relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking: values.blocking, thread: values.thread, relaySocket: values['relay-socket'] },
  );
  const trace = JSON.parse(Buffer.from(/** @type {Uint8Array} */ (await page.tracing.stop())).toString());
  console.log(`exit ${got.code}: ${got.stdout.trim()}`);
  report(trace.traceEvents ?? trace, Number(values.top));
} finally {
  await browser.close();
  relay.process.kill('SIGTERM');
  peer.close();
}

/** Self time per function, per thread that has V8 samples. @param {any[]} events @param {number} top */
function report(events, top) {
  /** @type {Map<string, string>} */
  const threadNames = new Map();
  for (const e of events) if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
  /** @type {Map<string, { nodes: Map<number, any>, samples: number[], deltas: number[], thread: string }>} */
  const profiles = new Map();
  for (const e of events) {
    if (e.name !== 'Profile' && e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    if (!profiles.has(key)) profiles.set(key, { nodes: new Map(), samples: [], deltas: [], thread: threadNames.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}` });
    const profile = /** @type {any} */ (profiles.get(key));
    const data = e.args?.data ?? {};
    for (const node of data.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
    profile.samples.push(...(data.cpuProfile?.samples ?? []));
    profile.deltas.push(...(data.timeDeltas ?? []));
  }
  for (const { nodes, samples, deltas, thread } of profiles.values()) {
    /** @type {Map<string, number>} */
    const self = new Map();
    let total = 0;
    samples.forEach((id, i) => {
      const node = nodes.get(id);
      const frame = node?.callFrame ?? {};
      const url = (frame.url ?? '').split('/').pop();
      const name = `${frame.functionName || '(anonymous)'} ${url}${url ? `:${frame.lineNumber + 1}` : ''}`;
      const us = deltas[i + 1] ?? 0;
      total += us;
      self.set(name, (self.get(name) ?? 0) + us);
    });
    if (total < 1000) continue;
    console.log(`\n### ${thread}: ${(total / 1000).toFixed(0)} ms sampled`);
    const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [name, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${name}`);
  }
}
