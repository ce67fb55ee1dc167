// embed: run one guest program to completion — the public entry point.
//
//   const code = await run({ guest: 'guests/http_client.wasm', args: ['1.2.3.4', '80', '/'],
//                            relay: 'ws://127.0.0.1:8080/wisp/', stdout, stderr });
//
// Each run gets its own host kernel. With a relay URL it also gets its own
// relay WebSocket; with a RelayConnection (relay_connection.js) it shares that
// connection's WebSocket with the other runs on it:
//
//   const relay = new RelayConnection('ws://127.0.0.1:8080/wisp/');
//   await Promise.all([run({ guest: a, relay }), run({ guest: b, relay })]);
//   relay.dispose();
//
// Everything a run holds (kernel, WebSocket or its streams on the shared one)
// is released when the run ends, however it ends.
//
// In a page the guest and its kernel run in a dedicated Web Worker
// (guest_worker.js), so a busy guest never freezes the page, and Stop (the
// signal) ends even a guest spinning without system calls: the Worker is
// terminated and the guest's sockets close at the relay. A run's own relay
// WebSocket lives in its Worker where the engine closes it with the Worker
// (Blink, Gecko), else on the page (worker_run.js); a RelayConnection stays
// on the page, shared by runs in Workers as before. Stdio, stdin, onSockets,
// onStatus (and the kernel's frames, for a WebSocket on the page) cross the
// boundary by postMessage only (no SharedArrayBuffer, no COOP/COEP headers).
// `thread: 'main'` runs the guest on the calling thread instead (Node always
// does); there a guest is stopped only at its next blocking call.
//
// `files` gives the guest a read-only file tree (fopen("/etc/app.conf") works;
// an /etc/hosts or /etc/services there is honoured by the SDK's resolver):
//
//   await run({ guest, relay, files: { '/etc/app.conf': 'port=8080\n', '/data/logo.png': bytes } });

import { runGuest } from './guest_run.js';
import { RelayConnection } from './relay_connection.js';
import { runInWorker, startWorker } from './worker_run.js';

export { RelayConnection };
export { AsyncifyBuildRequired, GuestLoadError, RunAborted } from './errors.js';

/**
 * @typedef {object} RunOptions
 * @property {string | URL | BufferSource | WebAssembly.Module} guest  the program
 * @property {string[]} [args]          argv[1..]; argv[0] is `programName`
 * @property {string} [programName]
 * @property {Record<string, string>} [env]
 * @property {StdinSource} [stdin]     what the guest reads on fd 0 (default: end of file at once)
 * @property {Record<string, string | Uint8Array>} [files]  read-only files for the guest, by absolute
 *   path ('/etc/app.conf'); text is stored as UTF-8. Directories on the way exist implicitly. Any file
 *   makes "/" the guest's one preopened directory; without files the guest has no file system
 * @property {string | RelayConnection} relay  ws:// or wss:// URL of the relay (a WebSocket of
 *   this run's own), or a connection shared with other runs
 * @property {(bytes: Uint8Array) => void} [stdout]
 * @property {(bytes: Uint8Array) => void} [stderr]
 * @property {{ username: string, password: string }} [relayAuth]  login for a relay that requires one
 *                                      (Wisp password authentication; sent only to a relay that asks)
 * @property {import('./relay_key.js').RelayKey} [relayKey]  Ed25519 private key for a relay that lists
 *   its public key (Wisp key authentication, `--authorized-keys`): PKCS#8 PEM text or DER bytes, an
 *   unencrypted OpenSSH private key, an extractable CryptoKey or a CryptoKeyPair. It signs the relay's
 *   challenge with WebCrypto in this run (Worker included); the key itself is never sent
 * @property {(message: string, level: StatusLevel) => void} [onStatus]  relay/runtime events in plain words
 * @property {AbortSignal} [signal]     aborting stops the guest and closes its sockets; run() rejects
 *                                      with RunAborted (in a Worker at once; on the main thread at the
 *                                      guest's next blocking call)
 * @property {(sockets: SocketInfo[]) => void} [onSockets]  the guest's sockets, each time they changed
 * @property {string | URL} [hostUrl]   where host.js lives
 * @property {Record<string, any>} [hostOverrides]  Emscripten module settings for the host
 * @property {'jspi' | 'asyncify'} [blocking]  force a blocking strategy (default: JSPI if available)
 * @property {'worker' | 'main'} [thread]  where the guest and its kernel run: 'worker' (a dedicated Web
 *   Worker; the default where the platform has Web Workers, i.e. in pages) or 'main' (this thread; the
 *   default and only choice in Node). hostOverrides must be cloneable for 'worker'. shim-js on another
 *   origin than the page starts its Worker from a blob: script of the page's (that origin must allow the
 *   page with CORS); a page that may start no Worker at all (a Content Security Policy) runs on the main
 *   thread, and says so through onStatus
 * @property {'page' | 'worker'} [relaySocket]  for thread 'worker' and a relay URL: where the run's
 *   WebSocket lives. 'worker' (the default in Chromium and Firefox): inside the Worker, no hop per frame
 *   (faster round trips; bench/RESULTS.md); Stop relies on the engine closing a terminated Worker's
 *   WebSocket, which they do. 'page' (the default elsewhere: WebKitGTK leaves that WebSocket open): on the
 *   page, the kernel's frames crossing by postMessage; Stop closes it in every engine
 */

/**
 * How a status message matters: 'info' (what happened), 'error' (something
 * failed), 'notice' (written by the relay's operator for the person running
 * the program — its message of the day: show it).
 * @typedef {'info' | 'error' | 'notice'} StatusLevel
 */

/**
 * stdin for a guest: fixed text or bytes, or a stream of chunks (e.g. keys
 * typed into a terminal); the guest sees end of file when it ends.
 * @typedef {string | Uint8Array | AsyncIterable<string | Uint8Array>} StdinSource
 */

/**
 * One socket of a running guest, as the host kernel reports it.
 * @typedef {{ fd: number, kind: string, state: string, local: string, peer: string, bytesIn: number, bytesOut: number }} SocketInfo
 */

/**
 * Runs a guest and resolves to its exit code. Traps and load failures reject.
 * A shared relay connection is held from this call on, so the caller may
 * dispose() it at once: it stays open until the run ends.
 * @param {RunOptions} options
 * @returns {Promise<number>}
 */
export async function run(options) {
  const thread = chooseThread(options.thread);
  if (options.relaySocket !== undefined && options.relaySocket !== 'page' && options.relaySocket !== 'worker')
    throw new Error(`unknown relaySocket "${options.relaySocket}" (use page or worker)`);
  const release = options.relay instanceof RelayConnection ? options.relay.retain() : () => {};
  try {
    const worker = thread === 'worker' ? workerOrNothing(options) : null;
    return await (worker ? runInWorker(worker, options) : runGuest(options));
  } finally {
    release();
  }
}

/**
 * @param {string | undefined} requested
 * @returns {'worker' | 'main'}
 */
function chooseThread(requested) {
  const canWork = typeof Worker === 'function';
  if (requested === undefined) return canWork ? 'worker' : 'main';
  if (requested === 'main') return 'main';
  if (requested !== 'worker') throw new Error(`unknown thread "${requested}" (use worker or main)`);
  if (!canWork) throw new Error("thread: 'worker' needs Web Workers, which this platform lacks (use thread: 'main')");
  return 'worker';
}

/**
 * A Worker for the run, or null where the page may not start one (then the run
 * goes on in this thread, and onStatus says why).
 * @param {RunOptions} options
 */
function workerOrNothing(options) {
  try {
    return startWorker(options.programName ?? 'guest');
  } catch (error) {
    options.onStatus?.(`running on the main thread: no Web Worker could be started (${error})`, 'info');
    return null;
  }
}

