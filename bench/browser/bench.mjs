// bench/browser: a guest's sockets against the browser's own limit (issue 6),
// measured, never asserted. In one page of each engine, over 127.0.0.1:
//   1. Download: a guest (`transfer drain`) reads 64 MiB from a TCP server
//      through the full path (host kernel, WebSocket, relay), vs plain
//      JavaScript in the same page receiving the same bytes from the same relay
//      over a raw WebSocket (a minimal Wisp v1 client: CONNECT, count DATA),
//      once on the page and once in a dedicated Worker of its own (the
//      engine's Worker WebSocket, with no guest: the floor for a guest whose
//      WebSocket is in its Worker).
//   2. Round trips: 32-byte ping-pong with an echo server, from a guest
//      (`transfer pingpong`) vs from plain JavaScript over a raw WebSocket.
//   3. Page responsiveness (issue 18): while `cpu_spin -t SECONDS` (a guest
//      spinning without system calls) runs, the bench clicks a button on the
//      page again and again; each click's delay is from just before the
//      click is sent to its handler running (Date.now() on both sides, one
//      machine). Only clicks sent while the guest spun count. The same clicks
//      with no guest running say what the engine's driver itself adds.
//   4. Stop (issue 18): a Worker guest spinning without system calls is
//      stopped (run()'s signal aborted) and timed from abort() to run()
//      settling, the same span the demo page's Stop measures; --stops times
//      per blocking mode.
// Guests run with JSPI (where the engine has it) and with Asyncify, each in a
// Web Worker (run()'s default) with its relay WebSocket in the Worker
// (relaySocket: 'worker', the default in Chromium and Firefox) and on the page
// (relaySocket: 'page', the default elsewhere: WebKitGTK), and on the page's
// main thread (thread: 'main'). Runs alternate guest/raw so load drifts hit
// both alike; medians and ratios are reported. Chromium is driven by
// puppeteer-core over CDP with its network monitoring off: a driver that
// watches the network (Playwright always does) is sent a base64 copy of every
// WebSocket frame, made on the thread that owns the WebSocket, which took more
// CPU than the download itself and held Chromium's raw client near 130 MB/s
// (bench/RESULTS.md, run 6). Firefox ESR and WebKitGTK are driven by the
// browser tests' drivers (tests/browser/engines/: WebDriver BiDi, and
// WebKitWebDriver with MiniBrowser on an Xvfb display of its own); the same
// page calls: goto, evaluate, a click at a point of the viewport.
// Needs a built tree (./scripts/build). Prints Markdown.
//   node bench/browser/bench.mjs [--runs 5] [--mib 64] [--round-trips 2000]
//        [--browsers chromium,firefox,webkit] [--spins 3] [--spin-seconds 3] [--stops 20]
//        [--places worker,worker-ws,main]
// (--spins 0 / --stops 0 leave out the click delay / Stop sections; --places
// measures the guest in only some of the places.)
// bench/browser/profile.mjs shows where one run's time goes, per thread.
import crypto from 'node:crypto';
import net from 'node:net';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';

import { launchFirefox } from '../../tests/browser/engines/firefox.js';
import { launchWebKit } from '../../tests/browser/engines/webkit.js';
import { startRelay } from '../../tests/browser/fixtures.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    mib: { type: 'string', default: '64' },
    'round-trips': { type: 'string', default: '2000' },
    browsers: { type: 'string', default: 'chromium,firefox,webkit' },
    spins: { type: 'string', default: '3' },
    'spin-seconds': { type: 'string', default: '3' },
    stops: { type: 'string', default: '20' },
    places: { type: 'string', default: 'worker,worker-ws,main' },
  },
});
const runs = Number(values.runs);
const bytes = Number(values.mib) * 1024 * 1024;
const roundTrips = Number(values['round-trips']);
const spins = Number(values.spins);
const spinSeconds = Number(values['spin-seconds']);
const stops = Number(values.stops);
const browsers = values.browsers.split(',');
const places = values.places.split(',');
for (const name of browsers) if (!['chromium', 'firefox', 'webkit'].includes(name)) throw new Error(`--browsers: unknown browser ${name}`);
/** Where the guest runs: thread and, for a Worker, where its relay WebSocket lives (run()'s relaySocket). */
const PLACES = {
  worker: { thread: 'worker', relaySocket: 'page', label: 'Worker, WebSocket on the page' },
  'worker-ws': { thread: 'worker', relaySocket: 'worker', label: 'Worker, WebSocket in the Worker' },
  main: { thread: 'main', relaySocket: 'page', label: 'main thread' },
};
for (const place of places) if (!(place in PLACES)) throw new Error(`--places: unknown place ${place} (${Object.keys(PLACES).join(', ')})`);

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
// cpu_spin connects here before it spins, and is left alone.
const spinPeer = await listen((socket) => socket.on('error', () => {}));
const echo = await listen((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  socket.pipe(socket);
});

/**
 * Plain JavaScript, run in the browser (its source is sent there): a raw
 * WebSocket to the relay speaking Wisp v1 by hand, one TCP stream.
 * 'download' counts DATA bytes until CLOSE; 'pingpong' sends `size` bytes and
 * waits for them back, `count` times. Resolves to seconds (download) or the
 * median, p90 and mean round trip in µs.
 * @param {any} job
 */
function rawClient(job) {
  return new Promise((resolve, reject) => {
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
    let started = 0, firstStarted = 0, received = 0, pending = 0, connected = false;
    const samples = [];
    socket.onerror = () => reject(new Error('raw WebSocket failed'));
    socket.onmessage = ({ data }) => {
      const packet = new Uint8Array(data);
      const type = packet[0];
      const stream = new DataView(data).getUint32(1, true);
      if (!connected && stream === 0 && type === 0x03) {
        connected = true;
        started = firstStarted = performance.now();
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
          const mean = ((now - firstStarted) * 1000) / job.count;
          samples.sort((a, b) => a - b);
          return resolve({ median: samples[samples.length >> 1], p90: samples[Math.floor(samples.length * 0.9)], mean });
        }
        started = now;
        socket.send(frame(0x02, 1, ping));
      } else if (type === 0x04) {
        socket.close();
        if (job.kind === 'pingpong') return reject(new Error(`stream closed after ${samples.length} round trips`));
        resolve({ seconds: (performance.now() - started) / 1000, received });
      }
    };
  });
}

/**
 * Runs rawClient in the page, or (inWorker) in a dedicated Worker the page
 * starts for it from a blob: script, and returns what it resolved to.
 * @param {any} page @param {any} job @param {boolean} inWorker
 */
function rawRun(page, job, inWorker) {
  return page.evaluate(({ source, job, inWorker }) => {
    if (!inWorker) return (0, eval)(`(${source})`)(job);
    const script = `onmessage = ({ data }) => (${source})(data).then((value) => postMessage({ value }), (error) => postMessage({ error: String(error) }));`;
    const url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
    const worker = new Worker(url);
    return new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data.value));
      worker.onerror = (event) => reject(new Error(`raw client Worker: ${event.message}`));
      worker.postMessage(job);
    }).finally(() => {
      worker.terminate();
      URL.revokeObjectURL(url);
    });
  }, { source: rawClient.toString(), job, inWorker });
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mbps = (/** @type {number} */ seconds) => bytes / 1e6 / seconds;

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/**
 * Runs a guest of the staged site in the page with run() and resolves to its
 * exit code and output.
 * @param {any} page
 * @param {{ guest: string, args: string[], relay: string, blocking: string, thread: string, relaySocket: string }} options
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runGuest(page, options) {
  return page.evaluate(async ({ guest, args, relay, blocking, thread, relaySocket }) => {
    const { run } = await import('/shim-js/src/embed.js');
    const decoder = new TextDecoder();
    const result = { code: null, stdout: '', stderr: '' };
    try {
      result.code = await run({
        guest: `/guests/${guest}.wasm`, programName: guest, args, relay, blocking, thread, relaySocket,
        stdout: (bytes) => (result.stdout += decoder.decode(bytes, { stream: true })),
        stderr: (bytes) => (result.stderr += decoder.decode(bytes, { stream: true })),
      });
    } catch (error) {
      result.stderr += String(error);
    }
    return result;
  }, options);
}

/**
 * Click delays while cpu_spin runs: starts it without waiting (it connects to
 * `spinPeer` first, so this side knows when it spins without asking the page,
 * which a main-thread spin freezes), then clicks a button on the page until
 * the guest has ended; returns the delays (ms) of the clicks sent while it spun.
 * @param {any} page @param {{ relay: string, blocking: string, thread: string }} options
 */
async function clickDelays(page, options) {
  // cpu_spin says hello to its peer right before it spins. 'idle': no guest, the same clicks for as long (what
  // the driver's own click costs: large through WebKitWebDriver).
  const idle = options.thread === 'idle';
  const connected = idle ? Promise.resolve() : new Promise((resolve) => spinPeer.once('connection', (socket) => socket.once('data', resolve)));
  await page.evaluate(async ({ relay, blocking, thread, seconds, port }) => {
    const { run } = await import('/shim-js/src/embed.js');
    const scope = /** @type {any} */ (window);
    document.getElementById('bench-click')?.remove();
    const button = Object.assign(document.createElement('button'), { id: 'bench-click', textContent: 'click' });
    button.style.cssText = 'position:fixed;left:0;top:0;width:80px;height:40px;z-index:10';
    document.body.append(button);
    scope.clicks = [];
    button.addEventListener('click', () => scope.clicks.push(Date.now()));
    scope.spin = { started: 0, ended: 0, failure: '' };
    if (thread === 'idle') {
      scope.spin.started = Date.now();
      setTimeout(() => (scope.spin.ended = Date.now()), seconds * 1000);
      return;
    }
    run({
      guest: '/guests/cpu_spin.wasm', programName: 'cpu_spin', args: ['-t', String(seconds), '127.0.0.1', String(port)],
      relay, blocking, thread,
      stdout: () => (scope.spin.started ||= Date.now()),
    }).then(
      (code) => { scope.spin.ended = Date.now(); if (code !== 0) scope.spin.failure = `exit code ${code}`; },
      (error) => { scope.spin.ended = Date.now(); scope.spin.failure = String(error); },
    );
  }, { ...options, seconds: spinSeconds, port: portOf(spinPeer) });
  await connected;
  /** @type {number[]} */
  const sent = [];
  const deadline = Date.now() + (spinSeconds + 30) * 1000;
  for (;;) {
    sent.push(Date.now());
    await page.clickAt(40, 20);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const spin = await page.evaluate(() => /** @type {any} */ (window).spin);
    if (spin.ended || Date.now() > deadline) break;
  }
  const { clicks, spin } = await page.evaluate(() => ({ clicks: /** @type {any} */ (window).clicks, spin: /** @type {any} */ (window).spin }));
  if (spin.failure || !spin.started) throw new Error(`cpu_spin (${options.thread}, ${options.blocking}) failed: ${spin.failure || 'it never printed'}`);
  if (clicks.length !== sent.length) throw new Error(`sent ${sent.length} clicks, the page saw ${clicks.length}`);
  // A click counts if it was sent before the spin ended and handled after it began; its delay runs
  // from when it was sent, or from the spin's start for one sent a moment before.
  return sent
    .map((at, i) => ({ at, handled: clicks[i] }))
    .filter(({ at, handled }) => at < spin.ended && handled >= spin.started)
    .map(({ at, handled }) => handled - Math.max(at, spin.started));
}

/**
 * Stop latency: starts cpu_spin in a Worker, waits until it spins (its hello
 * reaches `spinPeer`), aborts the run and returns the ms from abort() to run()
 * settling, measured in the page.
 * @param {any} page @param {{ relay: string, blocking: string }} options
 */
async function stopDelay(page, options) {
  const connected = new Promise((resolve) => spinPeer.once('connection', (socket) => socket.once('data', resolve)));
  await page.evaluate(async ({ relay, blocking, port }) => {
    const { run } = await import('/shim-js/src/embed.js');
    const scope = /** @type {any} */ (window);
    const controller = new AbortController();
    scope.stopSpin = { controller, settled: 0 };
    run({
      guest: '/guests/cpu_spin.wasm', programName: 'cpu_spin', args: ['-t', '60', '127.0.0.1', String(port)],
      relay, blocking, thread: 'worker', signal: controller.signal,
    }).finally(() => (scope.stopSpin.settled = performance.now())).catch(() => {});
  }, { ...options, port: portOf(spinPeer) });
  await connected;
  return page.evaluate(async () => {
    const { stopSpin } = /** @type {any} */ (window);
    const pressed = performance.now();
    stopSpin.controller.abort();
    const deadline = pressed + 10_000;
    while (!stopSpin.settled && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    if (!stopSpin.settled) throw new Error('cpu_spin did not stop within 10 s');
    return stopSpin.settled - pressed;
  });
}

/** The viewport of every engine's page (the browser tests' too). */
const VIEWPORT = { width: 1280, height: 720 };

/**
 * Starts an engine. Its pages answer evaluate, goto and clickAt (a click at a
 * point of the viewport through the engine's own input): Playwright's page
 * for Chromium, the browser tests' drivers (engines/) for Firefox and WebKit.
 * @param {string} name
 * @returns {Promise<{ newPage(): Promise<any>, close(): Promise<void> }>}
 */
async function launch(name) {
  if (name === 'chromium') {
    const browser = await puppeteer.launch({
      browser: 'chrome',
      executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu'],
      headless: true,
      networkEnabled: false,
      defaultViewport: VIEWPORT,
    });
    return {
      async newPage() {
        const page = await browser.newPage();
        return {
          evaluate: (/** @type {any} */ fn, /** @type {any} */ arg) => page.evaluate(fn, arg),
          goto: (/** @type {string} */ url) => page.goto(url),
          clickAt: (/** @type {number} */ x, /** @type {number} */ y) => page.mouse.click(x, y),
        };
      },
      close: () => browser.close(),
    };
  }
  return (name === 'firefox' ? launchFirefox : launchWebKit)({ viewport: VIEWPORT });
}

/**
 * What the engine is and does by default, asked in the page: its name and
 * version, the blocking modes it has, and where run() puts a Worker's relay
 * WebSocket when not told (worker_run.js's defaultRelaySocket).
 * @param {any} page
 * @returns {Promise<{ agent: string, jspi: boolean, relaySocket: 'page' | 'worker' }>}
 */
function engineFacts(page) {
  return page.evaluate(async () => {
    const { defaultRelaySocket } = await import('/shim-js/src/worker_run.js');
    const wasm = /** @type {any} */ (WebAssembly);
    return { agent: navigator.userAgent, jspi: typeof wasm.Suspending === 'function', relaySocket: defaultRelaySocket() };
  });
}

/** The browser and version in a user agent string, for the tables' titles. @param {string} agent */
function engineName(agent) {
  const firefox = /Firefox\/([\d.]+)/.exec(agent);
  if (firefox) return `Firefox ${firefox[1]}`;
  const chrome = /(?:HeadlessChrome|Chrome|Chromium)\/([\d.]+)/.exec(agent);
  if (chrome) return `Chromium ${chrome[1]}`;
  const webkit = /AppleWebKit\/([\d.]+)/.exec(agent);
  return webkit ? `WebKitGTK (AppleWebKit/${webkit[1]})` : agent;
}

/**
 * @param {string} name  chromium | firefox | webkit
 * @param {string} wisp  the relay's Wisp URL
 * @param {string} origin  the relay's http:// origin (it serves the site)
 */
async function benchBrowser(name, wisp, origin) {
  const browser = await launch(name);
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/healthz`);
    const facts = await engineFacts(page);
    const blockings = facts.jspi ? ['jspi', 'asyncify'] : ['asyncify'];
    const guestPaths = places.flatMap((place) => blockings.map((blocking) => `${place} ${blocking}`));
    const paths = ['raw', 'raw-worker', ...guestPaths];
    /** @type {Record<string, number[]>} */
    const download = Object.fromEntries(paths.map((path) => [path, []]));
    /** @type {Record<string, { median: number, p90: number, mean: number }[]>} */
    const rtt = Object.fromEntries(paths.map((path) => [path, []]));
    for (let run = 0; run < runs; run++) {
      for (const [path, inWorker] of /** @type {const} */ ([['raw', false], ['raw-worker', true]])) {
        const raw = await rawRun(page, { wisp, port: portOf(source), kind: 'download' }, inWorker);
        if (raw.received !== bytes) throw new Error(`raw WebSocket (${path}) received ${raw.received} of ${bytes} bytes`);
        download[path].push(raw.seconds);
        rtt[path].push(await rawRun(page, { wisp, port: portOf(echo), kind: 'pingpong', count: roundTrips }, inWorker));
      }
      for (const place of places) {
        const { thread, relaySocket } = PLACES[/** @type {keyof typeof PLACES} */ (place)];
        for (const blocking of blockings) {
          const path = `${place} ${blocking}`;
          const got = await runGuest(page, { guest: 'transfer', args: ['drain', '127.0.0.1', String(portOf(source))], relay: wisp, blocking, thread, relaySocket });
          const match = /^received (\d+) sha256 - seconds ([\d.]+)/.exec(got.stdout);
          if (got.code !== 0 || !match || Number(match[1]) !== bytes) throw new Error(`guest download failed (${name}, ${path}): ${got.stderr || got.stdout}`);
          download[path].push(Number(match[2]));
          const pong = await runGuest(page, {
            guest: 'transfer', args: ['pingpong', '127.0.0.1', String(portOf(echo)), String(roundTrips), '32'], relay: wisp, blocking, thread, relaySocket,
          });
          const times = /median_us ([\d.]+) p90_us ([\d.]+) mean_us ([\d.]+)/.exec(pong.stdout);
          if (pong.code !== 0 || !times) throw new Error(`guest ping-pong failed (${name}, ${path}): ${pong.stderr || pong.stdout}`);
          rtt[path].push({ median: Number(times[1]), p90: Number(times[2]), mean: Number(times[3]) });
        }
      }
    }
    console.log(`## bench/browser — guest vs raw WebSocket in one ${engineName(facts.agent)} page (${runs} runs, ${values.mib} MiB, ${roundTrips} × 32-byte round trips)\n`);
    console.log(`${facts.agent}; run()'s default: a Worker with its WebSocket ${facts.relaySocket === 'worker' ? 'in the Worker' : 'on the page'}${facts.jspi ? '' : '; no JSPI'}.\n`);
    console.log('| path | download MB/s (median) | of raw | round trip mean µs (median) | × raw | round trip p50 µs | p90 µs |');
    console.log('|---|---|---|---|---|---|---|');
    const rawMbps = mbps(median(download.raw));
    const rawMean = median(rtt.raw.map((r) => r.mean));
    for (const path of paths) {
      const speed = mbps(median(download[path]));
      const mean = median(rtt[path].map((r) => r.mean));
      const p50 = median(rtt[path].map((r) => r.median));
      const p90 = median(rtt[path].map((r) => r.p90));
      const [place, blocking] = path.split(' ');
      const where = PLACES[/** @type {keyof typeof PLACES} */ (place)];
      const isDefault = where?.thread === 'worker' && where.relaySocket === facts.relaySocket;
      const label =
        path === 'raw' ? 'plain JS, raw WebSocket on the page'
        : path === 'raw-worker' ? 'plain JS, raw WebSocket in a dedicated Worker'
        : `guest, ${where.label}${isDefault ? ' (the default)' : ''}, ${blocking}`;
      console.log(`| ${label} | ${speed.toFixed(1)} | ${(100 * speed / rawMbps).toFixed(0)} % | ${mean.toFixed(0)} | ${(mean / rawMean).toFixed(2)} | ${p50.toFixed(0)} | ${p90.toFixed(0)} |`);
    }
    console.log('\nPer run, download seconds:', JSON.stringify(download));

    if (spins > 0) await clickSection(page, wisp, blockings[0]);
    if (stops > 0) await stopSection(page, wisp, blockings);
    console.log('');
  } finally {
    await browser.close();
  }
}

/** Click delays while a guest spins, Worker vs main thread. @param {any} page @param {string} wisp @param {string} blocking */
async function clickSection(page, wisp, blocking) {
  console.log(`\n### Click delay while cpu_spin -t ${spinSeconds} runs (${blocking}, ${spins} spins per mode)\n`);
  console.log('| guest runs in | clicks during the spin | median ms | p99 ms | max ms |\n|---|---|---|---|---|');
  for (const thread of ['idle', 'worker', 'main']) {
    /** @type {number[]} */
    const delays = [];
    for (let i = 0; i < spins; i++) delays.push(...(await clickDelays(page, { relay: wisp, blocking, thread })));
    const f = (/** @type {number} */ n) => (delays.length ? n.toFixed(0) : '—');
    const where = { idle: 'no guest (the driver\'s own delay)', worker: 'a Web Worker', main: 'the main thread' }[thread];
    console.log(`| ${where} | ${delays.length} | ${f(quantile(delays, 0.5))} | ${f(quantile(delays, 0.99))} | ${f(Math.max(...delays))} |`);
  }
}

/** Stop of a spinning Worker guest, per blocking mode. @param {any} page @param {string} wisp @param {string[]} blockings */
async function stopSection(page, wisp, blockings) {
  console.log(`\n### Stop of a guest spinning in a Worker, abort() to run() settled (${stops} stops per mode)\n`);
  console.log('| blocking | median ms | p99 ms | max ms |\n|---|---|---|---|');
  for (const mode of blockings) {
    /** @type {number[]} */
    const delays = [];
    for (let i = 0; i < stops; i++) delays.push(await stopDelay(page, { relay: wisp, blocking: mode }));
    console.log(`| ${mode} | ${quantile(delays, 0.5).toFixed(1)} | ${quantile(delays, 0.99).toFixed(1)} | ${Math.max(...delays).toFixed(1)} |`);
  }
}

const relay = await startRelay(['--dev']);
const wisp = `ws://127.0.0.1:${relay.port}/wisp/`;
try {
  for (const name of browsers) await benchBrowser(name, wisp, relay.url);
} finally {
  relay.process.kill('SIGTERM');
  source.close();
  echo.close();
  spinPeer.close();
}
