// transport: the one WebSocket to the relay. Binary messages in and out, a
// queue for frames sent before the socket opens, and events for the owner.
// It knows nothing of Wisp: frames are opaque bytes here.

/** Subprotocol we offer; its presence selects Wisp v2 at the relay. */
export const WISP_SUBPROTOCOL = 'wisp-v2';

/**
 * @typedef {object} TransportEvents
 * @property {() => void} onOpen                    the socket is open
 * @property {(frame: Uint8Array) => void} onFrame  one binary message from the relay
 * @property {(reason: string, failed: boolean) => void} onClose  the socket closed (failed: not by us)
 */

export class Transport {
  /**
   * @param {string} url  ws:// or wss:// URL of the relay's Wisp endpoint
   * @param {TransportEvents} events
   */
  constructor(url, events) {
    this.url = url;
    /** @type {Uint8Array[]} */
    this.pending = [];
    this.closed = false;
    this.opened = false;
    this.events = events;
    this.socket = new WebSocket(url, [WISP_SUBPROTOCOL]);
    this.socket.binaryType = 'arraybuffer';
    /** Why the socket failed, where the platform says (Node's ws does; browsers give no detail). */
    this.failure = '';
    // Failures are reported by the close event that always follows.
    this.socket.onerror = (event) => {
      const message = /** @type {{ message?: unknown }} */ (event).message;
      if (typeof message === 'string') this.failure = message;
    };
    this.socket.onopen = () => {
      this.opened = true;
      this.events.onOpen();
      for (const frame of this.pending) this.socket.send(frame);
      this.pending = [];
    };
    this.socket.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) this.events.onFrame(new Uint8Array(event.data));
    };
    this.socket.onclose = (event) => this.finish(this.describeClose(event), true);
  }

  /** @param {CloseEvent} event */
  describeClose(event) {
    if (!this.opened) return `could not connect to the relay at ${this.url}${this.failure ? ` (${this.failure})` : ''}`;
    const detail = event.reason ? `: ${event.reason}` : '';
    return `connection to the relay at ${this.url} closed (code ${event.code}${detail})`;
  }

  /** @param {string} reason @param {boolean} failed */
  finish(reason, failed) {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.events.onClose(reason, failed);
  }

  /** Sends one frame (copied), or queues it until the socket is open. @param {Uint8Array} frame */
  send(frame) {
    if (this.closed) return;
    if (this.opened) this.socket.send(frame);
    else this.pending.push(frame.slice());
  }

  /**
   * Closes the socket; safe to call more than once.
   * @param {string} [reason]  what onClose reports
   */
  dispose(reason = 'disconnected: the run ended') {
    this.socket.onclose = null;
    this.socket.close();
    this.finish(reason, false);
  }
}
