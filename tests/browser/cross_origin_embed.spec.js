// A docs page on one origin embeds a program from a relay on another: the
// page (a plain HTTP server on 127.0.0.1, its own port) loads
// sockbridge-run.js, shim-js, the host and the guest from the relay's static
// site, which allows the page's origin with --cors-origin. Without it the
// browser refuses the module script (no Access-Control-Allow-Origin), so the
// element never comes to life. The relay only answers CORS; the browser
// enforces it. The guest still runs in a Web Worker: shim-js starts it from a
// same-origin blob: script that imports guest_worker.js from the relay.
import http from 'node:http';

import { expect, startRelay, test } from './fixtures.js';

test.skip(({ engine }) => engine !== 'chromium', 'CORS is the relay answering headers: one engine checks it');

/**
 * A docs page server on 127.0.0.1 whose / embeds http_client (fetching
 * /hello from 127.0.0.1:targetPort) from the relay set later with useRelay.
 * @param {number} targetPort
 * @param {string} blocking
 */
async function startDocsPage(targetPort, blocking) {
  let relayUrl = '';
  const server = http.createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      return response.end('not found\n');
    }
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html>
<title>docs on another origin</title>
<script type="module" src="${relayUrl}/sockbridge-run.js"></script>
<sockbridge-run id="example" src="${relayUrl}/guests/http_client.wasm" args="127.0.0.1 ${targetPort} /hello"
  relay="${relayUrl.replace(/^http/, 'ws')}/wisp/" blocking="${blocking}" rows="8"></sockbridge-run>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    origin: `http://127.0.0.1:${port}`,
    useRelay: (/** @type {string} */ url) => (relayUrl = url),
    close: () => server.close(),
  };
}

test('a page on another origin runs a program from a relay that allows it with --cors-origin', async ({
  page,
  httpServer,
  blocking,
}) => {
  const docs = await startDocsPage(httpServer.port, blocking);
  const relay = await startRelay(['--dev', '--cors-origin', docs.origin]);
  try {
    docs.useRelay(relay.url);
    /** @type {string[]} */
    const workers = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.goto(`${docs.origin}/`);
    const example = page.locator('#example');
    await example.getByRole('button', { name: /^Run http_client/ }).click();
    await expect(example).toContainText('hello from a real TCP server');
    await expect(example.locator('.sbr-status')).toHaveText('exit code 0');
    // The guest ran in a Web Worker, not on the page's thread: a page cannot start one from the relay's
    // origin, so shim-js started it from a blob: script of the page's own that imports guest_worker.js
    // (had that failed, run() would have fallen back to the main thread and started no Worker).
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatch(new RegExp(`^blob:${docs.origin}/`));
  } finally {
    relay.process.kill('SIGTERM');
    docs.close();
  }
});

test('without --cors-origin the browser refuses the relay\'s script to a page on another origin', async ({
  page,
  httpServer,
  blocking,
}) => {
  const docs = await startDocsPage(httpServer.port, blocking);
  const relay = await startRelay(['--dev']);
  try {
    docs.useRelay(relay.url);
    /** @type {string[]} */
    const refused = [];
    page.on('requestfailed', (request) => refused.push(request.url()));
    await page.goto(`${docs.origin}/`);
    await expect.poll(() => refused).toContain(`${relay.url}/sockbridge-run.js`);
    expect(await page.evaluate(() => customElements.get('sockbridge-run') === undefined)).toBe(true);
  } finally {
    relay.process.kill('SIGTERM');
    docs.close();
  }
});
