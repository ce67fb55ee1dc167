// stream_mux: several host kernels over one Wisp session, sans-IO. Each kernel
// believes it owns the session: it does the v2 handshake, numbers its streams
// from 1 and finds accepted connections in the relay's id space. The mux
// makes that true for each of them:
//
// - Handshake once. The relay's INFO goes to every kernel, and is replayed to
//   a kernel that attaches later; the first kernel's INFO reply goes to the
//   relay, and a later kernel's must be the same bytes (same extensions) or
//   that kernel is refused. The session's CONTINUE on stream 0 reaches a kernel
//   only after its INFO, as the relay itself would order them.
// - Stream ids. Every (kernel, local id) of a stream or RESOLVE request gets a
//   wire id of its own; frames are rewritten both ways. A connection accepted
//   on a kernel's listener gets a local id in that kernel's relay id space.
//   wisp.js says, per packet type, what its stream id names.
// - Endings. A session CLOSE from the relay reaches every kernel. A kernel
//   that detaches gets CLOSE sent for each of its streams still open; the
//   others carry on.
//
// Frames for a stream id nobody owns (any more) are dropped: Wisp's rule for
// frames after a CLOSE, which is when they happen.

import {
  CLOSE_REASONS,
  MAX_CLIENT_STREAM_ID,
  RELAY_STREAM_ID_BIT,
  SESSION_STREAM_ID,
  acceptedStreamId,
  encodeClose,
  infoExtensionIds,
  readHeader,
  withStreamIds,
} from './wisp.js';

/**
 * What the mux tells one kernel. Both may be called from inside that kernel's
 * own send() (the CONTINUE that answers its INFO, or a refusal of it): a
 * kernel that cannot take a frame then must queue it.
 * @typedef {object} MuxKernelEvents
 * @property {(frame: Uint8Array) => void} deliver  a frame from the relay, with this kernel's stream ids
 * @property {(message: string) => void} refuse    the kernel cannot share this session (it was detached)
 */

/** @typedef {{ kernel: MuxKernel, localId: number, kind: 'stream' | 'request' }} Route */

/** @param {number} id */
const hex = (id) => `0x${id.toString(16).padStart(2, '0')}`;

export class StreamMux {
  /** @type {Set<MuxKernel>} kernels that have started, in attach order */
  #kernels = new Set();
  /** @type {Map<number, Route>} wire stream id → its owner */
  #routes = new Map();
  #nextWireId = 1;
  /** @type {Uint8Array | null} the relay's INFO (v2) */
  #relayInfo = null;
  /** @type {Uint8Array | null} the relay's latest CONTINUE on stream 0 */
  #sessionContinue = null;
  /** @type {Uint8Array | null} the INFO reply the relay got (from the first kernel to answer) */
  #clientInfo = null;
  /** @type {Uint8Array | null} the relay's CLOSE on stream 0 */
  #sessionClose = null;
  #ended = false;

  /** @param {(frame: Uint8Array) => void} sendToRelay  writes one frame to the WebSocket */
  constructor(sendToRelay) {
    this.sendToRelay = sendToRelay;
  }

  /**
   * Adds a kernel. It receives nothing until its start(); it may send at once.
   * @param {MuxKernelEvents} events
   */
  attach(events) {
    return new MuxKernel(this, events);
  }

  /** Number of wire stream ids (streams and requests) in use. */
  get openIds() {
    return this.#routes.size;
  }

  /** One frame from the relay. @param {Uint8Array} frame */
  fromRelay(frame) {
    if (this.#ended) return;
    const header = readHeader(frame);
    if (!header || header.streamId === SESSION_STREAM_ID) return this.#fromRelaySession(frame, header);
    const route = this.#routes.get(header.streamId);
    if (!route) return;
    const { kernel, localId } = route;
    if (header.role === 'accepts') return this.#accepted(frame, kernel, localId);
    if (header.role === 'closes' || header.role === 'answers') this.#forget(header.streamId);
    kernel.events.deliver(withStreamIds(frame, localId));
  }

  /**
   * The WebSocket is gone: nothing more can be sent or received. Telling the
   * kernels is the transport owner's job (they see the link close).
   */
  end() {
    this.#ended = true;
    for (const kernel of this.#kernels) kernel.wireIds.clear();
    this.#routes.clear();
  }

  /** @param {Uint8Array} frame @param {import('./wisp.js').FrameHeader | null} header */
  #fromRelaySession(frame, header) {
    if (header?.name === 'info') {
      this.#relayInfo = frame.slice();
    } else if (header?.name === 'continue') {
      this.#sessionContinue = frame.slice();
      for (const kernel of this.#kernels) if (this.#handshakeDone(kernel)) kernel.events.deliver(frame.slice());
      return;
    } else if (header?.name === 'close') {
      // Every stream of the session is gone with it.
      this.#sessionClose = frame.slice();
      this.#routes.clear();
      for (const kernel of this.#kernels) kernel.wireIds.clear();
    }
    // INFO, CLOSE and anything malformed or unexpected concern the whole
    // session: every kernel judges it, as it would on a WebSocket of its own.
    for (const kernel of this.#kernels) kernel.events.deliver(frame.slice());
  }

  /** @param {Uint8Array} frame @param {MuxKernel} kernel @param {number} listenerId */
  #accepted(frame, kernel, listenerId) {
    const wireId = acceptedStreamId(frame);
    // Not a relay-created id, or none: the kernel reports the malformed frame.
    if (wireId === null || !(wireId & RELAY_STREAM_ID_BIT) || this.#routes.has(wireId))
      return kernel.events.deliver(withStreamIds(frame, listenerId));
    const localId = kernel.allocateServerId();
    this.#route(wireId, { kernel, localId, kind: 'stream' });
    kernel.events.deliver(withStreamIds(frame, listenerId, localId));
  }

  /** @param {MuxKernel} kernel */
  #handshakeDone(kernel) {
    return kernel.infoAccepted || this.#relayInfo === null;  // Wisp v1 has no INFO
  }

  /** @param {number} wireId @param {Route} route */
  #route(wireId, route) {
    this.#routes.set(wireId, route);
    route.kernel.wireIds.set(route.localId, wireId);
  }

  /** @param {number} wireId */
  #forget(wireId) {
    const route = this.#routes.get(wireId);
    if (!route) return;
    this.#routes.delete(wireId);
    route.kernel.wireIds.delete(route.localId);
  }

  /** @param {MuxKernel} kernel @param {number} localId @param {'stream' | 'request'} kind */
  #allocateWireId(kernel, localId, kind) {
    let wireId = this.#nextWireId;
    while (this.#routes.has(wireId)) wireId = wireId === MAX_CLIENT_STREAM_ID ? 1 : wireId + 1;
    this.#nextWireId = wireId === MAX_CLIENT_STREAM_ID ? 1 : wireId + 1;
    this.#route(wireId, { kernel, localId, kind });
    return wireId;
  }

  /** MuxKernel.start(): replays the session so far. @param {MuxKernel} kernel */
  started(kernel) {
    this.#kernels.add(kernel);
    if (this.#sessionClose) return kernel.events.deliver(this.#sessionClose.slice());
    if (this.#relayInfo) kernel.events.deliver(this.#relayInfo.slice());
    if (this.#sessionContinue && this.#handshakeDone(kernel)) kernel.events.deliver(this.#sessionContinue.slice());
  }

  /**
   * MuxKernel.send(): a frame a kernel wrote, on its way to the relay.
   * @param {MuxKernel} kernel @param {Uint8Array} frame
   */
  fromKernel(kernel, frame) {
    const header = readHeader(frame);
    if (!header) throw new Error(`a host kernel wrote a ${frame.length}-byte frame, shorter than a Wisp header`);
    if (this.#ended || this.#sessionClose) return;
    if (header.streamId === SESSION_STREAM_ID) return this.#fromKernelSession(kernel, frame, header);
    let wireId = kernel.wireIds.get(header.streamId);
    if (wireId === undefined && (header.role === 'opens' || header.role === 'asks'))
      wireId = this.#allocateWireId(kernel, header.streamId, header.role === 'asks' ? 'request' : 'stream');
    if (wireId === undefined) return;  // the relay closed this stream already: it would ignore the frame
    this.sendToRelay(withStreamIds(frame, wireId));
    if (header.role === 'closes') this.#forget(wireId);
  }

  /**
   * Stream 0 belongs to the connection, not to one kernel: an INFO is checked
   * against the session's, a CLOSE detaches only this kernel, and nothing else
   * a kernel might say there may end the session for the others.
   * @param {MuxKernel} kernel @param {Uint8Array} frame @param {import('./wisp.js').FrameHeader} header
   */
  #fromKernelSession(kernel, frame, header) {
    if (header.name === 'close') return kernel.detach();
    if (header.name !== 'info') return;
    if (this.#clientInfo === null) {
      this.#clientInfo = frame.slice();
      this.sendToRelay(frame);
    } else if (!sameBytes(frame, this.#clientInfo)) {
      return this.#refuse(kernel, frame);
    }
    kernel.infoAccepted = true;
    if (this.#sessionContinue && this.#kernels.has(kernel)) kernel.events.deliver(this.#sessionContinue.slice());
  }

  /** @param {MuxKernel} kernel @param {Uint8Array} info */
  #refuse(kernel, info) {
    const list = (/** @type {Uint8Array} */ frame) => infoExtensionIds(frame).map(hex).join(', ') || 'none';
    const asked = list(info);
    const used = list(/** @type {Uint8Array} */ (this.#clientInfo));
    kernel.detach();
    kernel.events.deliver(encodeClose(SESSION_STREAM_ID, CLOSE_REASONS.incompatible_extensions));
    kernel.events.refuse(
      asked === used
        ? `this program's login or extension settings for the relay (${asked}) differ from those the shared ` +
            'relay connection already uses: programs sharing a connection must pass the same relayAuth and relayKey'
        : `this program asked the relay for Wisp extensions ${asked}, but the shared relay connection ` +
            `already uses ${used}: programs sharing a connection must ask for the same ones`,
    );
  }

  /**
   * MuxKernel.detach(): forgets a kernel, with CLOSE (voluntary) for each of
   * its streams still open. (Its pending RESOLVE answers are just dropped.)
   * @param {MuxKernel} kernel
   */
  detached(kernel) {
    this.#kernels.delete(kernel);
    for (const wireId of kernel.wireIds.values()) {
      const route = /** @type {Route} */ (this.#routes.get(wireId));
      this.#routes.delete(wireId);
      if (route.kind === 'stream') this.sendToRelay(encodeClose(wireId, CLOSE_REASONS.voluntary));
    }
    kernel.wireIds.clear();
  }
}

/** One kernel's end of a StreamMux. */
export class MuxKernel {
  /** @type {Map<number, number>} local stream or request id → wire id */
  wireIds = new Map();
  infoAccepted = false;
  #nextServerId = RELAY_STREAM_ID_BIT + 1;
  #started = false;
  #detached = false;

  /** @param {StreamMux} mux @param {MuxKernelEvents} events */
  constructor(mux, events) {
    this.mux = mux;
    this.events = events;
  }

  /** Starts delivery: first the session so far (INFO, CONTINUE or CLOSE), then live frames. */
  start() {
    if (this.#started || this.#detached) return;
    this.#started = true;
    this.mux.started(this);
  }

  /** A frame the kernel wrote; its ids are rewritten for the wire. @param {Uint8Array} frame */
  send(frame) {
    if (!this.#detached) this.mux.fromKernel(this, frame);
  }

  /** Leaves the session: CLOSE for this kernel's open streams; nothing more is delivered. */
  detach() {
    if (this.#detached) return;
    this.#detached = true;
    this.mux.detached(this);
  }

  /** A fresh local id in the relay's id space, for a stream accepted on this kernel's listener. */
  allocateServerId() {
    let id = this.#nextServerId;
    while (this.wireIds.has(id)) id = id === 0xffffffff ? RELAY_STREAM_ID_BIT + 1 : id + 1;
    this.#nextServerId = id === 0xffffffff ? RELAY_STREAM_ID_BIT + 1 : id + 1;
    return id;
  }
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
