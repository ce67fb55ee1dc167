// wisp_client: a minimal Wisp v1 client for the benchmarks and the soak, the
// same for every relay under test (no subprotocol, so every relay speaks v1),
// and the relay process's resident memory.
import { readdirSync, readFileSync } from 'node:fs';

import { WebSocket } from 'ws';

/** One Wisp frame: type, stream id (LE), payload. */
export function frame(type, stream, payload = Buffer.alloc(0)) {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = type;
  out.writeUInt32LE(stream, 1);
  payload.copy(out, 5);
  return out;
}

function connectPayload(port) {
  const host = Buffer.from('127.0.0.1');
  const out = Buffer.allocUnsafe(3 + host.length);
  out[0] = 1;
  out.writeUInt16LE(port, 1);
  host.copy(out, 3);
  return out;
}

export class WispSession {
  /** Connects and waits for the relay's initial CONTINUE. */
  static async open(url) {
    const session = new WispSession(new WebSocket(url)); // no subprotocol: Wisp v1
    await session.ready;
    return session;
  }

  constructor(ws) {
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    this.handlers = new Map();
    this.credit = new Map();
    this.nextId = 1;
    this.ready = new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data) => {
        const type = data[0];
        const id = data.readUInt32LE(1);
        if (type === 3 && id === 0) {
          this.initial = data.readUInt32LE(5);
          return resolve();
        }
        if (type === 3) {
          this.credit.set(id, data.readUInt32LE(5));
          this.handlers.get(id)?.onCredit?.();
          return;
        }
        this.handlers.get(id)?.onFrame(type, data);
      });
    });
  }

  /** Opens a stream to 127.0.0.1:port; handler.onFrame(type, frame), handler.onCredit(). */
  openStream(port, handler) {
    const id = this.nextId++;
    this.handlers.set(id, handler);
    this.credit.set(id, this.initial);
    this.ws.send(frame(1, id, connectPayload(port)));
    return id;
  }

  /** Sends DATA, spending one packet of the stream's credit (callers that care check hasCredit). */
  send(id, data) {
    this.credit.set(id, this.credit.get(id) - 1);
    this.ws.send(frame(2, id, data));
  }

  hasCredit(id) {
    return this.credit.get(id) > 0;
  }

  close(id) {
    this.handlers.delete(id);
    this.ws.send(frame(4, id, Buffer.from([2])));
  }

  dispose() {
    this.ws.terminate();
  }
}

/** Resident memory of a process, KiB. */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}

/**
 * The parts of rssKiB(pid), KiB: anon (heap, stacks, sanitizer shadow: what
 * the process holds) and file (pages of the executable and libraries mapped
 * from the page cache, such as code the first sessions ran), plus shmem.
 */
export function rssPartsKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (/** @type {string} */ name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') };
}

/** User + system ticks of one process from /proc/PID/stat, with its ppid; null if it is gone. */
function statOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // ppid is field 4 of proc(5); utime, stime, cutime, cstime fields 14-17 (here 1 and 11-14 after the name)
    return { ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), reaped: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) a process has used so far, with its children:
 * those already reaped and those still running (websockify forks one per
 * connection, reaped whenever it exits), so that a difference of two readings
 * is what the process and its children used in between.
 */
export function cpuSeconds(pid) {
  const self = statOf(pid);
  if (!self) return NaN;
  let ticks = self.own + self.reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = statOf(entry);
    if (child?.ppid === pid) ticks += child.own;
  }
  return ticks / 100; // USER_HZ
}
