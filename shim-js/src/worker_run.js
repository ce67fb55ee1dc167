// worker_run: the page's side of a guest running in a dedicated Web Worker
// (guest_worker.js), which run() uses by default in a page. The page keeps
// what a person sees and touches — stdout/stderr, stdin, the socket table,
// status lines, Stop; the Worker holds the guest and its host kernel. They
// speak only by postMessage: no SharedArrayBuffer, so no COOP/COEP headers.
//
// Where the relay WebSocket lives (run()'s relaySocket):
//   - 'worker': a relay URL's WebSocket is opened inside the Worker, beside
//     the kernel: no postMessage hop per frame (two per round trip, which
//     cost ×1.3–2.2 of a raw WebSocket's round trip in bench/RESULTS.md).
//     Stop then relies on the engine closing the WebSocket of a terminated
//     Worker, as Blink and Gecko do. The default in those engines.
//   - 'page': the WebSocket stays on the page and the kernel's frames cross
//     as messages, so Stop never depends on how an engine tears a Worker
//     down. The default elsewhere: WebKit (WebKitGTK 2.50) leaves a
//     terminated Worker's WebSocket open, and with it the stopped guest's
//     connections at the relay. A shared RelayConnection is always on the
//     page: it carries several runs, in Workers or not, over one WebSocket.
//
// Stop (the run's AbortSignal) terminates the Worker at once, whatever the
// guest is doing, even spinning without a system call. Then this side ends
// the run's link: its own WebSocket closes (the relay closes every stream on
// it), or, on a shared connection, the run detaches, which sends CLOSE for
// each of its streams still open.

import { RunAborted, fromRecord } from './errors.js';
import { Transport } from './transport.js';

/** The Worker's script, beside this module. */
const WORKER_URL = new URL('./guest_worker.js', import.meta.url);

/**
 * What the Worker is told to run: run()'s options that cross the boundary.
 * Callbacks stay on the page; stdin is given whole or as 'stream' (chunks
 * follow as messages); the guest is an absolute URL, bytes or a Module.
 * @typedef {object} WorkerRunOptions
 * @property {string | Uint8Array | WebAssembly.Module} guest
 * @property {string[]} [args]
 * @property {string} [programName]
 * @property {Record<string, string>} [env]
 * @property {Record<string, string | Uint8Array>} [files]
 * @property {{ url: string, shared: boolean, inWorker: boolean }} relay  the relay's URL; shared: over the page's
 *   RelayConnection; inWorker: the Worker opens the WebSocket itself (else the page's frames cross as messages)
 * @property {{ username: string, password: string }} [relayAuth]
 * @property {import('./relay_key.js').RelayKey} [relayKey]  text, bytes and CryptoKeys are all cloneable
 * @property {string} [hostUrl]
 * @property {Record<string, any>} [hostOverrides]
 * @property {'jspi' | 'asyncify'} [blocking]
 * @property {string | Uint8Array | 'stream' | undefined} stdin
 * @property {boolean} reportSockets
 */

/**
 * Messages to the Worker.
 * @typedef {{ type: 'run', options: WorkerRunOptions }
 *   | { type: 'stdin', chunk: string | Uint8Array } | { type: 'stdin-end' }
 *   | { type: 'relay-open' } | { type: 'relay-frame', frame: Uint8Array }
 *   | { type: 'relay-close', reason: string, failed: boolean }} ToWorker
 */

/**
 * Messages from the Worker. relay-*: the kernel's link to the relay (the WebSocket is the page's).
 * @typedef {{ type: 'stdout' | 'stderr', bytes: Uint8Array }
 *   | { type: 'status', message: string, level: import('./embed.js').StatusLevel }
 *   | { type: 'sockets', sockets: import('./embed.js').SocketInfo[] }
 *   | { type: 'exit', code: number } | { type: 'error', error: import('./errors.js').ErrorRecord }
 *   | { type: 'relay-attach' } | { type: 'relay-frame', frame: Uint8Array } | { type: 'relay-dispose' }} FromWorker
 */

/**
 * Where a run's own relay WebSocket lives when run() is not told: in the
 * Worker where the engine closes a terminated Worker's WebSockets (Blink and
 * Gecko, told by their user agent tokens Chrome/, HeadlessChrome/, Chromium/,
 * Firefox/; iOS browsers are WebKit and say CriOS/, FxiOS/), else on the
 * page. worker_stop.spec.js checks both halves: Stop closes the guest's
 * connections at the relay in each engine.
 * @returns {'page' | 'worker'}
 */
export function defaultRelaySocket() {
  const agent = globalThis.navigator?.userAgent ?? '';
  return /(?:Chrome|Chromium|Firefox)\/\d/.test(agent) ? 'worker' : 'page';
}

/**
 * A relay URL for a WebSocket opened in the Worker, as the page's own
 * WebSocket would read it: a relative one resolved against the page (the
 * Worker's base is its script), http(s) as ws(s). One that is no URL at all
 * is left for the Worker's WebSocket constructor to refuse, with its reason.
 * @param {string} url
 */
function asPageReadsIt(url) {
  try {
    const absolute = new URL(url, globalThis.document?.baseURI ?? location.href);
    absolute.protocol = absolute.protocol.replace(/^http/, 'ws');
    return absolute.href;
  } catch {
    return url;
  }
}

/**
 * The guest as the Worker can load it: a URL made absolute against the page
 * (the Worker's own base is this script), or a copy of the bytes.
 * @param {import('./embed.js').RunOptions['guest']} guest
 * @returns {string | Uint8Array | WebAssembly.Module}
 */
function portableGuest(guest) {
  if (guest instanceof WebAssembly.Module) return guest;
  if (typeof guest === 'string' || guest instanceof URL) return new URL(guest, globalThis.document?.baseURI ?? location.href).href;
  if (ArrayBuffer.isView(guest)) return new Uint8Array(guest.buffer, guest.byteOffset, guest.byteLength).slice();
  return new Uint8Array(guest).slice();
}

/** blob: URLs of the Workers started through one (shim-js on another origin), revoked when their run ends. */
const workerScripts = new WeakMap();

/**
 * Starts the Worker; throws (synchronously) where the page may not have one
 * (a Content Security Policy without worker-src, for example). A page may
 * start a Worker only from its own origin, so where shim-js comes from
 * another one (a docs page embedding a relay's sockbridge-run.js), the
 * Worker's script is a same-origin blob: module that imports guest_worker.js
 * from there (which that origin must allow with CORS, as it does for the
 * page's own import of shim-js).
 * @param {string} name  shown in the browser's developer tools
 */
export function startWorker(name) {
  const options = /** @type {WorkerOptions} */ ({ type: 'module', name: `sockbridge guest ${name}` });
  if (WORKER_URL.origin === location.origin) return new Worker(WORKER_URL, options);
  const script = URL.createObjectURL(new Blob([`import ${JSON.stringify(WORKER_URL.href)};\n`], { type: 'text/javascript' }));
  try {
    const worker = new Worker(script, options);
    workerScripts.set(worker, script);
    return worker;
  } catch (error) {
    URL.revokeObjectURL(script);
    throw error;
  }
}

/**
 * Runs a guest in the given Worker (from startWorker) and resolves to its
 * exit code, as run() does. The Worker is terminated when the run ends.
 * @param {Worker} worker
 * @param {import('./embed.js').RunOptions} options
 * @returns {Promise<number>}
 */
export function runInWorker(worker, options) {
  const { signal, relay } = options;
  const shared = typeof relay !== 'string';
  const stdout = options.stdout ?? (() => {});
  const stderr = options.stderr ?? (() => {});
  const status = options.onStatus ?? (() => {});
  /** @type {import('./relay_connection.js').RelayLink | null} */
  let link = null;
  let sawSockets = false;
  let ended = false;

  return new Promise((resolve, reject) => {
    /** @param {ToWorker} message @param {Transferable[]} [transfer] */
    const post = (message, transfer = []) => {
      if (!ended) worker.postMessage(message, transfer);
    };
    /** The relay's events for the kernel in the Worker. @type {import('./transport.js').TransportEvents} */
    const toWorker = {
      onOpen: () => post({ type: 'relay-open' }),
      onFrame: (frame) => {
        // A WebSocket message owns its buffer: hand it over; a frame inside a larger buffer is copied.
        const whole = frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength;
        const owned = whole ? frame : frame.slice();
        post({ type: 'relay-frame', frame: owned }, [owned.buffer]);
      },
      onClose: (reason, failed) => post({ type: 'relay-close', reason, failed }),
    };
    /** Ends the run: the Worker goes, and with it everything it held. */
    const finish = () => {
      ended = true;
      worker.terminate();
      const script = workerScripts.get(worker);
      if (script) URL.revokeObjectURL(script);
      link?.dispose();
      link = null;
      signal?.removeEventListener('abort', stop);
    };
    /** @param {unknown} error */
    const fail = (error) => {
      if (ended) return;
      finish();
      // The kernel had no chance to report its sockets closed: they are gone with it.
      if (sawSockets) options.onSockets?.([]);
      reject(error);
    };
    const stop = () => fail(new RunAborted('run aborted'));

    worker.onmessage = (/** @type {MessageEvent<FromWorker>} */ { data }) => {
      if (ended) return;
      switch (data.type) {
        case 'stdout':
          return stdout(data.bytes);
        case 'stderr':
          return stderr(data.bytes);
        case 'status':
          return status(data.message, data.level);
        case 'sockets':
          sawSockets = data.sockets.length > 0;
          return options.onSockets?.(data.sockets);
        case 'exit':
          finish();
          return resolve(data.code);
        case 'error':
          return fail(fromRecord(data.error));
        case 'relay-attach':
          try {
            link = shared ? relay.attach(toWorker) : new Transport(relay, toWorker);
          } catch (error) {
            fail(error); // a malformed relay URL: the WebSocket constructor says why
          }
          return;
        case 'relay-frame':
          return link?.send(data.frame);
        case 'relay-dispose':
          link?.dispose();
          link = null;
          return;
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(new Error(`the guest's Web Worker failed: ${event.message || 'its script did not load'}`));
    };
    worker.onmessageerror = () => fail(new Error("a message from the guest's Web Worker could not be read"));

    if (signal?.aborted) return stop();
    signal?.addEventListener('abort', stop, { once: true });

    const { stdin } = options;
    const inWorker = typeof relay === 'string' && (options.relaySocket ?? defaultRelaySocket()) === 'worker';
    try {
      post({
        type: 'run',
        options: {
          guest: portableGuest(options.guest),
          args: options.args,
          programName: options.programName,
          env: options.env,
          files: options.files,
          relay: inWorker ? { url: asPageReadsIt(relay), shared, inWorker } : { url: shared ? relay.url : relay, shared, inWorker },
          relayAuth: options.relayAuth,
          relayKey: options.relayKey,
          hostUrl: options.hostUrl === undefined ? undefined : new URL(options.hostUrl, location.href).href,
          hostOverrides: options.hostOverrides,
          blocking: options.blocking,
          stdin: stdin === undefined || typeof stdin === 'string' || stdin instanceof Uint8Array ? stdin : 'stream',
          reportSockets: options.onSockets !== undefined,
        },
      });
    } catch (error) {
      // DataCloneError: something in the options cannot cross to a Worker (a function in hostOverrides).
      return fail(new Error(`run(): these options cannot be sent to a Web Worker (${error}); use thread: 'main'`));
    }
    if (stdin !== undefined && typeof stdin !== 'string' && !(stdin instanceof Uint8Array)) pumpStdin(stdin, post, () => ended);
  });
}

/**
 * Sends stdin's chunks to the Worker as they come, then its end.
 * @param {AsyncIterable<string | Uint8Array>} source
 * @param {(message: ToWorker) => void} post
 * @param {() => boolean} ended
 */
async function pumpStdin(source, post, ended) {
  try {
    for await (const chunk of source) {
      if (ended()) return;
      post({ type: 'stdin', chunk });
    }
  } finally {
    post({ type: 'stdin-end' });
  }
}
