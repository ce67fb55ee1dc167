// Two guests in one page sharing one relay WebSocket (shim-js RelayConnection):
// each with its own kernel, both served by the real relay, which logs one
// session; stopping one (AbortSignal) closes its sockets and leaves the other
// running to the end.
import { expect, test } from './fixtures.js';
import { echoOnce, listeningPort, refused } from './tcp_peers.js';

/** @param {string[]} log  the relay's JSON log lines */
const sessionsOpened = (log) => log.filter((line) => line.includes('"session_open"')).length;

/**
 * Starts guests in the page over one RelayConnection; what each prints and how
 * it ended is kept in window.shared for the test to read.
 * @param {import('@playwright/test').Page} page
 * @param {{ relayUrl: string, blocking: string, guests: { name: string, guest: string, args: string[] }[] }} setup
 */
async function startShared(page, setup) {
  await page.evaluate(async ({ relayUrl, blocking, guests }) => {
    const { RelayConnection, run } = await import('./shim-js/src/embed.js');
    const connection = new RelayConnection(relayUrl);
    /** @type {any} */
    const shared = { connection, output: {}, ended: {}, controllers: {} };
    /** @type {any} */ (window).shared = shared;
    for (const { name, guest, args } of guests) {
      const controller = new AbortController();
      shared.controllers[name] = controller;
      shared.output[name] = '';
      const print = (/** @type {Uint8Array} */ bytes) => (shared.output[name] += new TextDecoder().decode(bytes));
      run({ guest, programName: name, args, relay: connection, blocking: /** @type {any} */ (blocking), signal: controller.signal, stdout: print, stderr: print })
        .then((code) => (shared.ended[name] = `exit code ${code}`))
        .catch((error) => (shared.ended[name] = `${error.constructor.name}: ${error.message}`));
    }
    connection.dispose();  // the runs hold it from here on
  }, setup);
}

/** @param {import('@playwright/test').Page} page @param {string} name */
const output = (page, name) => page.evaluate((n) => /** @type {any} */ (window).shared.output[n], name);
/** @param {import('@playwright/test').Page} page @param {string} name */
const ended = (page, name) => page.evaluate((n) => /** @type {any} */ (window).shared.ended[n] ?? 'running', name);

test('two guests share one relay WebSocket and both finish their work', async ({ page, relay, httpServer, blocking }) => {
  await page.goto(`${relay.url}/embed-example.html`);
  await startShared(page, {
    relayUrl: `ws://127.0.0.1:${relay.port}/wisp/`,
    blocking,
    guests: [
      { name: 'echo_server', guest: 'guests/echo_server.wasm', args: ['0', '1'] },
      { name: 'http_client', guest: 'guests/http_client.wasm', args: ['127.0.0.1', String(httpServer.port), '/hello'] },
    ],
  });
  await expect.poll(() => output(page, 'echo_server')).toContain('listening on 127.0.0.1 port ');
  const echoPort = listeningPort(await output(page, 'echo_server'));
  await expect.poll(() => ended(page, 'http_client')).toBe('exit code 0');
  expect(await output(page, 'http_client')).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nhello from a real TCP server\n$/);

  expect(await echoOnce(echoPort, 'over the shared connection\n')).toBe('over the shared connection\n');
  await expect.poll(() => ended(page, 'echo_server')).toBe('exit code 0');
  expect(await output(page, 'echo_server')).toMatch(/client \d+ disconnected\n$/);
  expect(sessionsOpened(relay.log)).toBe(1);
  // The last run ended and the page let go: the WebSocket closes.
  await expect.poll(() => relay.log.some((line) => line.includes('"session_closed"'))).toBe(true);
});

test('stopping one guest closes its sockets; the other keeps the shared connection and finishes', async ({ page, relay, blocking }) => {
  await page.goto(`${relay.url}/embed-example.html`);
  await startShared(page, {
    relayUrl: `ws://127.0.0.1:${relay.port}/wisp/`,
    blocking,
    guests: [
      { name: 'stopped', guest: 'guests/echo_server.wasm', args: ['0', '1'] },
      { name: 'kept', guest: 'guests/echo_server.wasm', args: ['0', '1'] },
    ],
  });
  await expect.poll(() => output(page, 'stopped')).toContain('listening on 127.0.0.1 port ');
  await expect.poll(() => output(page, 'kept')).toContain('listening on 127.0.0.1 port ');
  const [stoppedPort, keptPort] = [listeningPort(await output(page, 'stopped')), listeningPort(await output(page, 'kept'))];

  await page.evaluate(() => /** @type {any} */ (window).shared.controllers.stopped.abort());
  await expect.poll(() => ended(page, 'stopped')).toBe('RunAborted: run aborted');
  // Its listening socket on the relay host is gone...
  await expect.poll(() => refused(stoppedPort)).toBe(true);
  // ...while the other guest still serves, over the same WebSocket.
  expect(await ended(page, 'kept')).toBe('running');
  expect(await echoOnce(keptPort, 'still served\n')).toBe('still served\n');
  await expect.poll(() => ended(page, 'kept')).toBe('exit code 0');
  expect(sessionsOpened(relay.log)).toBe(1);
});
