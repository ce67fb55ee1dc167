// TCP peers and probes on 127.0.0.1 for tests and benchmarks: a source that
// sends fixed bytes, one that streams without end, a sink that answers the
// SHA-256 of what it read, an echo server, an echo client, and a check for a
// closed port.
import crypto from 'node:crypto';
import net from 'node:net';

/**
 * A TCP server on 127.0.0.1 that sends `data` (`times` over) to each client
 * and closes, as fast as the client takes it.
 * @param {Buffer} data
 * @param {number} times
 * @returns {Promise<{ port: number, server: net.Server }>}
 */
export function startSource(data, times = 1) {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let left = times;
    const pump = () => {
      while (left > 0) {
        left--;
        if (left === 0) return socket.end(data);
        if (!socket.write(data)) return socket.once('drain', pump);
      }
    };
    pump();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: /** @type {net.AddressInfo} */ (server.address()).port, server })));
}

/**
 * A TCP server that streams to its one client until the client goes away,
 * as fast as the client takes it. `flowing` resolves once `after` bytes left.
 * @param {number} after
 */
export function startEndlessSource(after) {
  /** @type {(value?: unknown) => void} */
  let reached = () => {};
  const flowing = new Promise((resolve) => (reached = resolve));
  const chunk = crypto.randomBytes(64 * 1024);
  const server = net.createServer((socket) => {
    let written = 0;
    socket.on('error', () => {});
    const pump = () => {
      while (!socket.destroyed) {
        written += chunk.length;
        if (written >= after) reached();
        if (!socket.write(chunk)) return socket.once('drain', pump);
      }
    };
    pump();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: /** @type {net.AddressInfo} */ (server.address()).port, server, flowing })));
}

/**
 * A TCP server that reads until the client half-closes, then answers the
 * SHA-256 of everything it read (hex, then a newline) and closes.
 * @returns {Promise<{ port: number, server: net.Server }>}
 */
export function startHashingSink() {
  const server = net.createServer((socket) => {
    const hash = crypto.createHash('sha256');
    let size = 0;
    socket.on('data', (chunk) => {
      hash.update(chunk);
      size += chunk.length;
    });
    socket.on('end', () => socket.end(`sink ${size} sha256 ${hash.digest('hex')}\n`));
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: /** @type {net.AddressInfo} */ (server.address()).port, server })));
}

/**
 * A TCP echo server on 127.0.0.1: sends back every byte it reads. `received`
 * holds what each connection sent, in the order the connections came.
 * @returns {Promise<{ port: number, server: net.Server, received: string[] }>}
 */
export function startEchoServer() {
  /** @type {string[]} */
  const received = [];
  const server = net.createServer((socket) => {
    const index = received.push('') - 1;
    socket.on('data', (chunk) => {
      received[index] += chunk;
      socket.write(chunk);
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: /** @type {net.AddressInfo} */ (server.address()).port, server, received })));
}

/**
 * Connects, sends `text`, resolves with what comes back once `text.length`
 * bytes arrived (rejects after 10 s without them).
 * @param {number} port @param {string} text
 * @returns {Promise<string>}
 */
export function echoOnce(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setTimeout(10_000, () => reject(new Error(`no echo, got ${JSON.stringify(received)}`)));
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.length < text.length) return;
      socket.end();
      resolve(received);
    });
    socket.on('error', reject);
  });
}

/** Whether a TCP connect to 127.0.0.1:port is refused now. @param {number} port @returns {Promise<boolean>} */
export function refused(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

/**
 * The port a guest server says it listens on ("... listening on 127.0.0.1
 * port 40123"). Servers in tests listen on port 0 and are asked afterwards, so
 * no other process can take their port between choosing it and binding it.
 * @param {string | null} output  what the guest printed so far
 * @returns {number}
 */
export function listeningPort(output) {
  const match = /listening on \S+ port (\d+)/.exec(output ?? '');
  if (!match) throw new Error(`no "listening on" line in ${JSON.stringify(output)}`);
  return Number(match[1]);
}
