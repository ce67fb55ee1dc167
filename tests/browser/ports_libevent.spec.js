// libevent's http-connect sample (guest/ports/libevent, published in the site
// by the ports.build fixture) in the page through run(): event_base_new()
// makes its local signal pipe, then evhttp asks a native CONNECT proxy for a
// tunnel and GETs a page through it — the binary tests/ports/libevent.test.js runs.

import { startProxiedOrigin } from '../ports/http_proxy.js';
import { expect, runGuest, test } from './fixtures.js';

test('http-connect (libevent) in the page fetches a page through a native CONNECT proxy', async ({ page, relay, blocking }) => {
  const peers = await startProxiedOrigin();
  try {
    await page.goto(`${relay.url}/healthz`);
    const result = await runGuest(page, {
      guest: 'http-connect',
      args: [`http://127.0.0.1:${peers.proxyPort}`, `http://127.0.0.1:${peers.originPort}/from/the/page`],
      relay: `ws://127.0.0.1:${relay.port}/wisp/`,
      blocking,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('origin saw GET /from/the/page host=127.0.0.1\n');
    expect(peers.tunnels).toEqual([`127.0.0.1:${peers.originPort}`]);
  } finally {
    peers.close();
  }
});
