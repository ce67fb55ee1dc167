// A native HTTP origin behind a native CONNECT proxy on 127.0.0.1, the peers
// of libevent's http-connect sample (tests/ports/libevent.test.js in Node,
// tests/browser/ports_libevent.spec.js in the page). No node:test import, so
// Playwright specs can use it too.
import http from 'node:http';
import net from 'node:net';

/**
 * Starts both servers. The origin answers every request with one line naming
 * the method, the path and the Host header; the proxy opens each CONNECT
 * tunnel to where it asks and records its target.
 * @returns {Promise<{ originPort: number, proxyPort: number, tunnels: string[], close: () => void }>}
 */
export async function startProxiedOrigin() {
  const origin = http.createServer((request, response) => {
    response.setHeader('Content-Type', 'text/plain');
    response.end(`origin saw ${request.method} ${request.url} host=${request.headers.host}\n`);
  });
  /** @type {string[]} */
  const tunnels = [];
  const proxy = http.createServer((_request, response) => response.writeHead(405).end());
  proxy.on('connect', (request, client, head) => {
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).on('error', () => {});
      client.pipe(upstream).on('error', () => {});
    });
    upstream.on('error', () => client.destroy());
  });
  const servers = [origin, proxy];
  await Promise.all(servers.map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)))));
  const portOf = (/** @type {http.Server} */ server) => /** @type {net.AddressInfo} */ (server.address()).port;
  return {
    originPort: portOf(origin),
    proxyPort: portOf(proxy),
    tunnels,
    close() {
      for (const server of servers) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}
