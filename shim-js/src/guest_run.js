// guest_run: one guest and its host kernel, run to completion in this thread
// (the page's main thread, a Web Worker, or Node). embed.js's run() calls it
// directly for `thread: 'main'`; guest_worker.js calls it inside the Worker.
// Here the kernel meets its three edges: the guest's imports (imports.js and
// the blocking strategy), the relay link (a WebSocket of its own, or a share
// of a connection), and the caller's stdio and events.

import { chooseBlocking } from './blocking.js';
import { RunAborted } from './errors.js';
import { buildImports, ExitStatus } from './imports.js';
import { compileGuest, loadHost } from './loader.js';
import { describeRefusal } from './refusals.js';
import { relayMotd } from './relay_info.js';
import { relaySigner } from './relay_key.js';
import { Transport } from './transport.js';

// In the staged site (build/site) the host sits at /host/, shim-js at /shim-js/src/.
const DEFAULT_HOST_URL = new URL('../../host/host.js', import.meta.url);

/**
 * A relay link made elsewhere, which a run attaches to instead of opening a
 * WebSocket here: a RelayConnection, or (inside a Worker) the page's
 * WebSocket reached through the Worker's messages.
 * @typedef {object} SharedRelay
 * @property {string} url
 * @property {(events: import('./transport.js').TransportEvents) => import('./relay_connection.js').RelayLink} attach
 * @property {boolean} [shared]  other runs use the same WebSocket (default: true)
 */

/**
 * What runGuest needs: run()'s options, with the guest's location resolved
 * and the relay a URL or a SharedRelay.
 * @typedef {Omit<import('./embed.js').RunOptions, 'relay' | 'thread'> & { relay: string | SharedRelay }} GuestRunOptions
 */

/**
 * Hands stdin to the kernel as it arrives, waking a guest blocked on it.
 * @param {any} host @param {import('./embed.js').StdinSource} source @param {() => void} wake
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
 * Runs a guest here and resolves to its exit code. Traps and load failures reject.
 * @param {GuestRunOptions} options
 * @returns {Promise<number>}
 */
export async function runGuest(options) {
  const blocking = chooseBlocking(options.blocking);
  const { signal } = options;
  const stdout = options.stdout ?? (() => {});
  const stderr = options.stderr ?? (() => {});
  const status = options.onStatus ?? (() => {});
  // A bad key fails the run here, before anything connects.
  const signer = options.relayKey === undefined ? null : await relaySigner(options.relayKey);
  const [host, module] = await Promise.all([
    loadHost(options.hostUrl ?? DEFAULT_HOST_URL, options.hostOverrides),
    compileGuest(options.guest, blocking.name),
  ]);
  status(`blocking mode: ${blocking.name} (${blocking.reason})`, 'info');
  addFiles(host, options.files ?? {}); // before anything that needs releasing: a bad path only throws
  if (options.relayAuth) {
    const { username, password } = options.relayAuth;
    if (!host.ccall('sb_set_relay_credentials', 'number', ['string', 'string'], [username, password]))
      throw new Error('relayAuth.username is longer than 255 bytes or relayAuth.password longer than 65535 (the Wisp limits)');
  }
  if (signer) host._sb_use_relay_key();

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
  /** @type {import('./transport.js').TransportEvents} */
  const events = {
    onOpen() {
      status(typeof relay === 'string' ? `connected to ${relay}` : `connected to ${relay.url}${relay.shared === false ? '' : ' (shared connection)'}`, 'info');
    },
    onFrame(frame) {
      const refusal = describeRefusal(frame);
      if (refusal) status(refusal, 'error');
      const motd = relayMotd(frame);
      if (motd) status(`message from the relay: ${motd}`, 'notice');
      const linkWasOpen = !host._sb_link_closed();
      // Into the kernel's own buffer: a TCP stream's DATA stays there until recv().
      // (HEAPU8 read after the call: allocating may grow the memory.)
      const pointer = host._sb_frame_buffer(frame.length);
      host.HEAPU8.set(frame, pointer);
      host._sb_on_frame_buffer();
      // The kernel ended the link because of this frame (the relay closed the
      // session, or broke the protocol): say why. The guest sees the errors.
      if (linkWasOpen && host._sb_link_closed())
        status(host.UTF8ToString(host._sb_link_message()), 'error');
      flush();
      wake();
      answerKeyChallenge();
    },
    onClose(reason, failed) {
      host._sb_on_transport_closed();
      status(reason, failed ? 'error' : 'info');
      wake();
    },
  };
  /** @type {import('./relay_connection.js').RelayLink} */
  const transport = typeof relay !== 'string' ? relay.attach(events) : new Transport(relay, events);
  const flush = () => {
    for (let length = host._sb_outgoing_length(); length > 0; length = host._sb_outgoing_length()) {
      const pointer = host._sb_outgoing_data();
      transport.send(host.HEAPU8.subarray(pointer, pointer + length));
      host._sb_outgoing_pop();
    }
    reportSockets();
  };
  // Key auth: the relay's INFO left a challenge in the kernel, whose reply
  // waits for the signature. WebCrypto signs asynchronously; the guest's
  // connects wait for the handshake meanwhile.
  let keyAnswered = false;
  let finished = false;
  const answerKeyChallenge = () => {
    const length = signer && !keyAnswered ? host._sb_key_challenge_length() : 0;
    if (!signer || length === 0) return;
    keyAnswered = true;
    const challengeAt = host._sb_key_challenge_data();
    const challenge = host.HEAPU8.slice(challengeAt, challengeAt + length);
    const answered = (/** @type {() => void} */ tell) => {
      if (finished) return;
      tell();
      if (host._sb_link_closed()) status(host.UTF8ToString(host._sb_link_message()), 'error');
      flush();
      wake();
    };
    signer.sign(challenge).then(
      (signature) =>
        answered(() => {
          const hashAt = host._malloc(signer.keyHash.length + signature.length);
          host.HEAPU8.set(signer.keyHash, hashAt);
          host.HEAPU8.set(signature, hashAt + signer.keyHash.length);
          host._sb_answer_key_challenge(hashAt, signer.keyHash.length, hashAt + signer.keyHash.length, signature.length);
          host._free(hashAt);
        }),
      (error) =>
        answered(() =>
          host.ccall('sb_refuse_key_challenge', null, ['string'], [`signing failed (${error instanceof Error ? error.message : error})`]),
        ),
    );
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
    finished = true;
    host._sb_close_all();
    reportSockets();
    flush();
    signal?.removeEventListener('abort', wake);
    transport.dispose();
  }
}
