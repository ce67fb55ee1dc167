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
// `files` gives the guest a read-only file tree (fopen("/etc/app.conf") works;
// an /etc/hosts or /etc/services there is honoured by the SDK's resolver):
//
//   await run({ guest, relay, files: { '/etc/app.conf': 'port=8080\n', '/data/logo.png': bytes } });

import { chooseBlocking } from './blocking.js';
import { buildImports, ExitStatus } from './imports.js';
import { compileGuest, loadHost } from './loader.js';
import { describeRefusal } from './refusals.js';
import { RelayConnection } from './relay_connection.js';
import { relayMotd } from './relay_info.js';
import { Transport } from './transport.js';

export { RelayConnection };

// In the staged site (build/site) the host sits at /host/, shim-js at /shim-js/src/.
const DEFAULT_HOST_URL = new URL('../../host/host.js', import.meta.url);
// sb_link_state() of a link that is gone (kernel.hpp: link_state::closed).
const LINK_CLOSED = 2;

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
 * @property {(message: string, level: StatusLevel) => void} [onStatus]  relay/runtime events in plain words
 * @property {AbortSignal} [signal]     aborting stops the guest and closes its sockets
 * @property {(sockets: SocketInfo[]) => void} [onSockets]  the guest's sockets, each time they changed
 * @property {string | URL} [hostUrl]   where host.js lives
 * @property {Record<string, any>} [hostOverrides]  Emscripten module settings for the host
 * @property {'jspi' | 'asyncify'} [blocking]  force a blocking strategy (default: JSPI if available)
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
 * Hands stdin to the kernel as it arrives, waking a guest blocked on it.
 * @param {any} host @param {StdinSource} source @param {() => void} wake
 */
async function feedStdin(host, source, wake) {
  host._sb_stdin_attach();
  const encoder = new TextEncoder();
  /** @param {string | Uint8Array} chunk */
  const push = (chunk) => {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    const pointer = host._malloc(bytes.length);
    host.HEAPU8.set(bytes, pointer);
    host._sb_stdin_push(pointer, bytes.length);
    host._free(pointer);
    wake();
  };
  try {
    if (typeof source === 'string' || source instanceof Uint8Array) push(source);
    else for await (const chunk of source) push(chunk);
  } finally {
    host._sb_stdin_close();
    wake();
  }
}

/**
 * Gives the kernel the run's files, before the guest starts.
 * @param {any} host @param {Record<string, string | Uint8Array>} files
 */
function addFiles(host, files) {
  const encoder = new TextEncoder();
  for (const [path, contents] of Object.entries(files)) {
    const bytes = typeof contents === 'string' ? encoder.encode(contents) : contents;
    const pointer = host._malloc(Math.max(bytes.length, 1));
    host.HEAPU8.set(bytes, pointer);
    const error = host.ccall('sb_add_file', 'number', ['string', 'number', 'number'], [path, pointer, bytes.length]);
    host._free(pointer);
    if (error) throw new Error(`files: cannot add ${path}: ${host.UTF8ToString(host._sb_strerror(error))}`);
  }
}

/**
 * One socket of a running guest, as the host kernel reports it.
 * @typedef {{ fd: number, kind: string, state: string, local: string, peer: string, bytesIn: number, bytesOut: number }} SocketInfo
 */

/** Raised inside a waiting guest when the run is aborted. */
export class RunAborted extends Error {}

/**
 * Runs a guest and resolves to its exit code. Traps and load failures reject.
 * A shared relay connection is held from this call on, so the caller may
 * dispose() it at once: it stays open until the run ends.
 * @param {RunOptions} options
 * @returns {Promise<number>}
 */
export async function run(options) {
  const release = options.relay instanceof RelayConnection ? options.relay.retain() : () => {};
  try {
    return await runGuest(options);
  } finally {
    release();
  }
}

/** @param {RunOptions} options @returns {Promise<number>} */
async function runGuest(options) {
  const blocking = chooseBlocking(options.blocking);
  const { signal } = options;
  const stdout = options.stdout ?? (() => {});
  const stderr = options.stderr ?? (() => {});
  const status = options.onStatus ?? (() => {});
  const [host, module] = await Promise.all([
    loadHost(options.hostUrl ?? DEFAULT_HOST_URL, options.hostOverrides),
    compileGuest(options.guest, blocking.name),
  ]);
  status(`blocking mode: ${blocking.name} (${blocking.reason})`, 'info');
  addFiles(host, options.files ?? {}); // before anything that needs releasing: a bad path only throws
  if (options.relayAuth) {
    const { username, password } = options.relayAuth;
    if (!host.ccall('sb_set_relay_credentials', 'number', ['string', 'string'], [username, password]))
      throw new Error('relayAuth.username is longer than 255 bytes (the Wisp limit)');
  }

  // The guest's sockets, reported whenever they changed: checked after every
  // syscall and frame, so a socket's last byte counts are seen even when the
  // guest closes it right after (the kernel's table is cheap to ask for; the
  // page draws at most once per animation frame).
  let lastTable = '';
  const reportSockets = () => {
    if (!options.onSockets) return;
    const table = host.UTF8ToString(host._sb_socket_table());
    if (table === lastTable) return;
    lastTable = table;
    options.onSockets(JSON.parse(table));
  };

  /** @type {(() => void)[]} */
  let waiters = [];
  const wake = () => {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  const { relay } = options;
  const shared = relay instanceof RelayConnection;
  /** @type {import('./transport.js').TransportEvents} */
  const events = {
    onOpen() {
      status(shared ? `connected to ${relay.url} (shared connection)` : `connected to ${relay}`, 'info');
    },
    onFrame(frame) {
      const refusal = describeRefusal(frame);
      if (refusal) status(refusal, 'error');
      const motd = relayMotd(frame);
      if (motd) status(`message from the relay: ${motd}`, 'notice');
      const linkWasOpen = host._sb_link_state() !== LINK_CLOSED;
      const pointer = host._malloc(frame.length);
      host.HEAPU8.set(frame, pointer);
      host._sb_on_frame(pointer, frame.length);
      host._free(pointer);
      // The kernel ended the link because of this frame (the relay closed the
      // session, or broke the protocol): say why. The guest sees the errors.
      if (linkWasOpen && host._sb_link_state() === LINK_CLOSED)
        status(host.UTF8ToString(host._sb_link_message()), 'error');
      flush();
      wake();
    },
    onClose(reason, failed) {
      host._sb_on_transport_closed();
      status(reason, failed ? 'error' : 'info');
      wake();
    },
  };
  /** @type {import('./relay_connection.js').RelayLink} */
  const transport = shared ? relay.attach(events) : new Transport(relay, events);
  const flush = () => {
    for (let length = host._sb_outgoing_length(); length > 0; length = host._sb_outgoing_length()) {
      const pointer = host._sb_outgoing_data();
      transport.send(host.HEAPU8.subarray(pointer, pointer + length));
      host._sb_outgoing_pop();
    }
    reportSockets();
  };
  /** @param {number} timeoutMs  resolve after this long even without events (-1: no timer) */
  const progress = (timeoutMs) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new RunAborted('run aborted'));
      const timer = timeoutMs >= 0 ? setTimeout(wake, timeoutMs) : undefined;
      waiters.push(() => {
        clearTimeout(timer);
        if (signal?.aborted) reject(new RunAborted('run aborted'));
        else resolve(undefined);
      });
    });
  signal?.addEventListener('abort', wake, { once: true });
  if (options.stdin !== undefined) feedStdin(host, options.stdin, wake);

  host.sbStdio = (/** @type {number} */ fd, /** @type {Uint8Array} */ bytes) => (fd === 1 ? stdout : stderr)(bytes);
  for (const arg of [options.programName ?? 'guest', ...(options.args ?? [])])
    host.ccall('sb_add_arg', null, ['string'], [arg]);
  for (const [key, value] of Object.entries(options.env ?? {}))
    host.ccall('sb_add_env', null, ['string'], [`${key}=${value}`]);

  const imports = buildImports(module, { host, flush, progress, wrapImport: blocking.wrapImport });
  const instance = await WebAssembly.instantiate(module, imports);
  host.sbGuestMemory = instance.exports.memory;
  try {
    await blocking.start(instance);
    return 0;
  } catch (error) {
    if (error instanceof ExitStatus) return error.code;
    throw error;
  } finally {
    host._sb_close_all();
    reportSockets();
    flush();
    signal?.removeEventListener('abort', wake);
    transport.dispose();
  }
}
