// relay_connection: one relay WebSocket shared by several runs on a page. Each
// run keeps its own host kernel; stream_mux.js maps their sessions onto one.
//
//   const relay = new RelayConnection('wss://relay.example/wisp/');
//   await Promise.all([run({ guest: a, relay, ... }), run({ guest: b, relay, ... })]);
//   relay.dispose();
//
// Ownership: whoever creates the connection holds it until dispose(); each run
// holds it while it runs. The WebSocket closes when the last holder lets go,
// or at once on close(). If the WebSocket ends on its own (the relay closed
// the session, restarted, or timed out an idle one), the runs on it see the
// connection lost, and the next run to start opens a new one.

import { StreamMux } from './stream_mux.js';
import { Transport } from './transport.js';

/**
 * A run's link to the relay: a Transport, or its share of a RelayConnection.
 * @typedef {object} RelayLink
 * @property {(frame: Uint8Array) => void} send  sends one frame
 * @property {() => void} dispose  ends the link (for a shared one: closes only this run's streams)
 */

/**
 * One WebSocket and the kernels on it.
 * @typedef {object} Session
 * @property {Transport} transport
 * @property {StreamMux} mux
 * @property {Set<SharedLink>} links
 * @property {boolean} opened
 */

export class RelayConnection {
  /** @type {Session | null} */
  #session = null;
  #holders = 1;
  #ownerReleased = false;
  #closed = false;
  #sessionsOpened = 0;

  /**
   * Opens the WebSocket at once.
   * @param {string} url  ws:// or wss:// URL of the relay's Wisp endpoint
   */
  constructor(url) {
    this.url = url;
    this.#session = this.#open();
  }

  /** WebSockets opened so far: 1, unless one ended and a later run opened another. */
  get sessionsOpened() {
    return this.#sessionsOpened;
  }

  /** True once the connection was closed for good (its last holder let go, or close()): runs attached to it fail. */
  get closed() {
    return this.#closed;
  }

  /** Runs attached now. */
  get attachedRuns() {
    return this.#session?.links.size ?? 0;
  }

  /**
   * Attaches one run's host kernel (embed.js does this for `run({ relay })`).
   * Events arrive from the next microtask on, never during this call.
   * @param {import('./transport.js').TransportEvents} events
   * @returns {RelayLink}
   */
  attach(events) {
    if (this.#closed) return new ClosedLink(events, `the shared connection to the relay at ${this.url} was closed`);
    this.#session ??= this.#open();
    ++this.#holders;
    return new SharedLink(this.#session, events, () => this.#release());
  }

  /**
   * Holds the connection open until the returned function is called (run()
   * holds it for its whole length, loading included).
   * @returns {() => void}
   */
  retain() {
    ++this.#holders;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#release();
    };
  }

  /** Lets go of the creator's hold: the WebSocket closes once no run uses it. */
  dispose() {
    if (this.#ownerReleased) return;
    this.#ownerReleased = true;
    this.#release();
  }

  /** Closes the WebSocket now; every attached run sees the connection lost. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#session?.transport.dispose(`the shared connection to the relay at ${this.url} was closed by the page`);
  }

  #release() {
    if (--this.#holders === 0) this.close();
  }

  /** @returns {Session} */
  #open() {
    ++this.#sessionsOpened;
    /** @type {Session} */
    const session = {
      transport: /** @type {any} */ (null),
      mux: new StreamMux((frame) => session.transport.send(frame)),
      links: new Set(),
      opened: false,
    };
    session.transport = new Transport(this.url, {
      onOpen() {
        session.opened = true;
        for (const link of session.links) link.opened();
      },
      onFrame: (frame) => session.mux.fromRelay(frame),
      onClose: (reason, failed) => {
        session.mux.end();
        if (this.#session === session) this.#session = null;
        for (const link of session.links) link.closed(reason, failed);
      },
    });
    return session;
  }
}

/** One run's share of a RelayConnection. */
class SharedLink {
  /**
   * Events for the run, delivered in order from a microtask: never during a
   * call into the link, so a kernel is never handed a frame while it is inside
   * send() (the mux answers a kernel's INFO with the session's CONTINUE at once).
   * @type {(() => void)[]}
   */
  #queue = [];
  #scheduled = false;
  /** onClose was reported (or is queued): nothing more goes either way. */
  #done = false;
  #disposed = false;

  /**
   * @param {Session} session
   * @param {import('./transport.js').TransportEvents} events
   * @param {() => void} release  gives back the run's hold on the connection
   */
  constructor(session, events, release) {
    this.session = session;
    this.events = events;
    this.release = release;
    this.kernel = session.mux.attach({
      deliver: (frame) => this.#post(() => events.onFrame(frame)),
      refuse: (message) => this.closed(message, true),
    });
    session.links.add(this);
    if (session.opened) this.opened();
    this.kernel.start();
  }

  /** @param {() => void} event */
  #post(event) {
    this.#queue.push(event);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      const events = this.#queue;
      this.#queue = [];
      for (const next of events) if (!this.#disposed) next();
    });
  }

  /** The WebSocket opened. */
  opened() {
    if (!this.#done) this.#post(() => this.events.onOpen());
  }

  /** This run's session is over: the WebSocket ended, or the mux refused the kernel. @param {string} reason @param {boolean} failed */
  closed(reason, failed) {
    if (this.#done) return;
    this.#done = true;
    this.kernel.detach();
    this.#post(() => this.events.onClose(reason, failed));
  }

  /** @param {Uint8Array} frame */
  send(frame) {
    if (!this.#done) this.kernel.send(frame);
  }

  /** The run ended: CLOSE for its streams still open, and the run's hold goes. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.session.links.delete(this);
    this.kernel.detach();
    if (!this.#done) {
      this.#done = true;
      this.events.onClose('disconnected: the run ended', false);
    }
    this.release();
  }
}

/** The link a run gets from a connection that was closed: it reports so and carries nothing. */
class ClosedLink {
  /** @param {import('./transport.js').TransportEvents} events @param {string} reason */
  constructor(events, reason) {
    queueMicrotask(() => events.onClose(reason, true));
  }

  send() {}

  dispose() {}
}
