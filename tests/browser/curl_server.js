// A real HTTP/1.1 server on 127.0.0.1 for the curl tests (the page's curl in
// ports_curl_page.spec.js, tests/ports/curl_vs_native and libcurl_api): fixed, chunked, redirected, echoed, large, slow and odd responses,
// and counters of the TCP connections and requests it served.
import { createHash } from 'node:crypto';
import http from 'node:http';

/** Size of /big: 16 MiB of printable text, so the page can show it and hash it. */
export const BIG_BODY_BYTES = 16 * 1024 * 1024;

/** The /big body: deterministic lines of hex digits (64 bytes each). */
export function bigBody() {
  const line = (/** @type {number} */ i) => `${i.toString(16).padStart(8, '0')}${'0123456789abcdef'.repeat(3)}${'x'.repeat(7)}\n`;
  const lines = [];
  for (let i = 0; i < BIG_BODY_BYTES / 64; ++i) lines.push(line(i));
  return Buffer.from(lines.join(''));
}

/** @param {Buffer | string} data */
export const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Milliseconds between the pieces of /slow. */
export const SLOW_PIECE_MS = 1000;

/**
 * Starts the server on host (127.0.0.1 or ::1). `connections` counts accepted TCP connections, `requests` the requests.
 * @param {string} [host]
 * @returns {Promise<{ port: number, server: http.Server, stats: { connections: number, requests: number }, close: () => Promise<void> }>}
 */
export function startCurlTestServer(host = '127.0.0.1') {
  const big = bigBody();
  const stats = { connections: 0, requests: 0 };
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  const later = (/** @type {() => void} */ action, /** @type {number} */ ms) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  const server = http.createServer((request, response) => {
    stats.requests += 1;
    response.sendDate = false; // two clients compared byte for byte must see the same headers
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = [];
    request.on('data', (chunk) => body.push(chunk));
    request.on('end', () => route(url, request, response, Buffer.concat(body)));
  });
  server.on('connection', () => (stats.connections += 1));
  // Idle connections stay open well past any pause a loaded test machine makes
  // between two requests, so connection reuse is deterministic.
  server.keepAliveTimeout = 60_000;

  /** @param {URL} url @param {http.IncomingMessage} request @param {http.ServerResponse} response @param {Buffer} body */
  function route(url, request, response, body) {
    const path = url.pathname;
    const redirect = path.match(/^\/redirect\/(\d+)$/);
    if (path === '/hello') {
      response.writeHead(200, { 'Content-Type': 'text/plain', 'X-Served-By': 'curl-test' });
      response.end('hello from a real TCP server\n');
    } else if (path === '/chunked') {
      // No Content-Length: Node sends chunked, one chunk per write, then a trailer.
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', Trailer: 'X-Checksum' });
      for (const piece of ['first chunk\n', 'second, longer chunk of text\n', 'third\n']) response.write(piece);
      response.addTrailers({ 'X-Checksum': 'done' });
      response.end();
    } else if (redirect) {
      const left = Number(redirect[1]);
      if (left === 0) {
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        response.end(`arrived with ${request.method}\n`);
        return;
      }
      // Alternates the two relative forms: a path relative to /redirect/ and an absolute path.
      const location = left % 2 === 0 ? `/redirect/${left - 1}` : `${left - 1}`;
      response.writeHead(302, { Location: location, 'Content-Type': 'text/plain' });
      response.end(`redirect body that a client following the redirect drops\n`);
    } else if (path === '/absolute') {
      response.writeHead(301, { Location: `http://127.0.0.1:${port()}/hello` });
      response.end();
    } else if (path === '/see-other') {
      response.writeHead(303, { Location: '/echo' });
      response.end();
    } else if (path === '/echo') {
      const shown = ['host', 'user-agent', 'accept', 'content-type', 'content-length', 'x-test', 'x-empty'];
      const lines = [`${request.method} ${request.url}`];
      for (const name of shown) if (name in request.headers) lines.push(`${name}: ${request.headers[name]}`);
      lines.push(`body: ${body.toString()}`);
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(`${lines.join('\n')}\n`);
    } else if (path === '/big') {
      response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': big.length });
      response.end(big);
    } else if (path === '/slow') {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      const pieces = ['slow piece 1\n', 'slow piece 2\n', 'slow piece 3\n'];
      const next = () => {
        const piece = /** @type {string} */ (pieces.shift());
        if (pieces.length === 0) return response.end(piece);
        response.write(piece);
        later(next, SLOW_PIECE_MS);
      };
      next();
    } else if (path === '/stall') {
      // A first piece, then nothing: only a client-side timeout ends this.
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.write('stalled after this\n');
    } else if (path === '/close-delimited') {
      // HTTP/1.0 style: no length, the end of the body is the end of the connection.
      request.socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nbody until close\n');
    } else if (path === '/then-close') {
      // Promises keep-alive, then closes the idle connection: the client must notice and connect anew.
      response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 6 });
      response.end('bye!!\n', () => request.socket.destroy());
    } else if (path === '/no-content') {
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found\n');
    }
  }

  const port = () => /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const close = async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return new Promise((resolve) => server.listen(0, host, () => resolve({ port: port(), server, stats, close })));
}
