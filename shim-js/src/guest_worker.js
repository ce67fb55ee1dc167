// guest_worker: the script of the dedicated Web Worker a guest runs in (the
// default for run() in a page). It runs the guest and its host kernel with
// guest_run.js, as the main thread would, and speaks to the page only by
// messages (worker_run.js lists them), so it needs no SharedArrayBuffer and
// no COOP/COEP headers:
//   - stdin arrives as messages and feeds the kernel as a stream would;
//   - a relay URL's WebSocket is opened here (run()'s relaySocket 'worker',
//     the default in Blink and Gecko); else the WebSocket is the page's (a
//     Transport of the run's own, or a shared RelayConnection) and the
//     kernel's frames travel as messages (worker_run.js says when and why).
// Stop is the page terminating this Worker and closing the run's link to the
// relay: nothing here needs to run for it.

import { runGuest } from './guest_run.js';
import { toRecord } from './errors.js';

/** @typedef {import('./worker_run.js').ToWorker} ToWorker */
/** @typedef {import('./worker_run.js').FromWorker} FromWorker */

const scope = /** @type {any} */ (globalThis);

/** @param {FromWorker} message @param {Transferable[]} [transfer] */
const post = (message, transfer = []) => scope.postMessage(message, transfer);

/** @param {'stdout' | 'stderr'} type */
const output = (type) => (/** @type {Uint8Array} */ bytes) => {
  const copy = bytes.slice();
  post({ type, bytes: copy }, [copy.buffer]);
};

/** Chunks that arrive by message, as the async iterable run()'s stdin may be. */
class ChunkQueue {
  /** @type {(string | Uint8Array)[]} */
  #chunks = [];
  #ended = false;
  /** @type {(() => void) | null} */
  #wake = null;

  /** @param {string | Uint8Array} chunk */
  push(chunk) {
    this.#chunks.push(chunk);
    this.#wake?.();
  }

  end() {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      while (this.#chunks.length > 0) yield /** @type {string | Uint8Array} */ (this.#chunks.shift());
      if (this.#ended) return;
      await new Promise((resolve) => (this.#wake = () => resolve(undefined)));
      this.#wake = null;
    }
  }
}

/**
 * The page's WebSocket, seen from the Worker: attach() asks the page to open
 * the run's link (its own Transport, or its share of a RelayConnection), and
 * frames go both ways as messages (a guest_run.js SharedRelay).
 */
class PageRelay {
  /** @type {import('./transport.js').TransportEvents | null} */
  events = null;

  /** @param {string} url @param {boolean} shared  whether other runs use the same WebSocket */
  constructor(url, shared) {
    this.url = url;
    this.shared = shared;
  }

  /** @param {import('./transport.js').TransportEvents} events */
  attach(events) {
    this.events = events;
    post({ type: 'relay-attach' });
    return {
      send: (/** @type {Uint8Array} */ frame) => {
        const copy = frame.slice();
        post({ type: 'relay-frame', frame: copy }, [copy.buffer]);
      },
      dispose: () => {
        this.events = null;
        post({ type: 'relay-dispose' });
      },
    };
  }
}

const stdin = new ChunkQueue();
/** @type {PageRelay | null} */
let pageRelay = null;

/** @param {import('./worker_run.js').WorkerRunOptions} options */
async function start(options) {
  if (!options.relay.inWorker) pageRelay = new PageRelay(options.relay.url, options.relay.shared);
  try {
    const code = await runGuest({
      ...options,
      relay: pageRelay ?? options.relay.url,
      stdin: options.stdin === 'stream' ? stdin : options.stdin,
      stdout: output('stdout'),
      stderr: output('stderr'),
      onStatus: (message, level) => post({ type: 'status', message, level }),
      onSockets: options.reportSockets ? (sockets) => post({ type: 'sockets', sockets }) : undefined,
    });
    post({ type: 'exit', code });
  } catch (error) {
    post({ type: 'error', error: toRecord(error) });
  }
}

scope.onmessage = (/** @type {MessageEvent<ToWorker>} */ { data }) => {
  switch (data.type) {
    case 'run':
      return void start(data.options);
    case 'stdin':
      return stdin.push(data.chunk);
    case 'stdin-end':
      return stdin.end();
    case 'relay-open':
      return pageRelay?.events?.onOpen();
    case 'relay-frame':
      return pageRelay?.events?.onFrame(data.frame);
    case 'relay-close':
      return pageRelay?.events?.onClose(data.reason, data.failed);
  }
};
