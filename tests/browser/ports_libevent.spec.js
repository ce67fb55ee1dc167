// libevent's http-connect sample (guest/ports/libevent, published in the site
// by the ports.build fixture) in the page through run(): event_base_new()
// makes its local signal pipe, then evhttp asks a native CONNECT proxy for a
// tunnel and GETs a page through it — the binary tests/ports/libevent.test.js runs.
import http from 'node:http';
import net from 'node:net';

import { expect, runGuest, test } from './fixtures.js';

test('http-connect (libevent) in the page fetches a page through a native CONNECT proxy', async ({ page, relay, blocking }) => {
  const origin = http.createServer((request, response) => {
    response.setHeader('Content-Type', 'text/plain');
    response.end(`origin saw ${request.method} ${request.url}\n`);
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
  try {
    await page.goto(`${relay.url}/healthz`);
    const result = await runGuest(page, {
      guest: 'http-connect',
      args: [`http://127.0.0.1:${portOf(proxy)}`, `http://127.0.0.1:${portOf(origin)}/from/the/page`],
      relay: `ws://127.0.0.1:${relay.port}/wisp/`,
      blocking,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('origin saw GET /from/the/page\n');
    expect(tunnels).toEqual([`127.0.0.1:${portOf(origin)}`]);
  } finally {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  }
});
