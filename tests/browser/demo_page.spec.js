// The demo page as a person uses it: choose a program, type arguments, run,
// read the terminal, watch the socket table, follow and share deep links,
// and read failures in plain words.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { closedPort, expect, siteDir, startRelay, test } from './fixtures.js';
import { echoOnce, listeningPort, refused } from './tcp_peers.js';

const HELD_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nheld\n';

/**
 * A TCP server on 127.0.0.1 that answers one HTTP request only when release()
 * is called, so the connection stays open while the test looks at it.
 */
async function startHeldServer() {
  /** @type {net.Socket[]} */
  const clients = [];
  const server = net.createServer((socket) => {
    clients.push(socket);
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    release() {
      for (const socket of clients) socket.end(HELD_RESPONSE);
    },
    close() {
      for (const socket of clients) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

test('choosing a program and typing arguments runs it in the terminal', async ({ page, openDemo, relay, httpServer }) => {
  await openDemo(relay.url);
  await page.getByLabel('Program').selectOption('echo_server');
  await expect(page.getByLabel('Arguments')).toHaveValue('7000');
  await page.getByLabel('Program').selectOption('http_client');
  await page.getByLabel('Arguments').fill(`127.0.0.1 ${httpServer.port} /hello`);
  await page.getByLabel('Arguments').press('Enter');
  const terminal = page.locator('#output');
  await expect(terminal).toContainText('hello from a real TCP server');
  await expect(terminal).toContainText('[http_client exited with code 0]');
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  // The address bar now links to what ran (awaited: over classic WebDriver, WebKit's page.url() is a promise).
  const url = new URL(await page.url());
  expect(url.searchParams.get('demo')).toBe('http_client');
  expect(url.searchParams.get('args')).toBe(`127.0.0.1 ${httpServer.port} /hello`);
});

test('the socket table shows a live connection, then fades it out once closed', async ({ page, openDemo, relay }) => {
  const held = await startHeldServer();
  try {
    await openDemo(relay.url, { demo: 'http_client', args: `127.0.0.1 ${held.port} /` });
    await page.getByRole('button', { name: 'Run' }).click();
    const row = page.locator('#sockets tbody tr', { hasText: `127.0.0.1:${held.port}` });
    await expect(row.locator('td').nth(2)).toHaveText('connected');
    await expect(row.locator('td').nth(1)).toHaveText('TCP');
    await expect(row.locator('td').nth(6)).not.toHaveText('0');  // the request went out
    held.release();
    await expect(page.locator('#output')).toContainText('held');
    await expect(row).toHaveClass(/closed/);
    await expect(row.locator('td').nth(2)).toHaveText('closed');
    // The closed row keeps the socket's last counts: the whole answer came in.
    await expect(row.locator('td').nth(5)).toHaveText(String(Buffer.byteLength(HELD_RESPONSE)));
    await expect(row).toHaveCount(0);
    await expect(page.getByText('No open sockets.')).toBeVisible();
  } finally {
    await held.close();
  }
});

test('a deep link selects the program and its arguments, and Run runs them', async ({ page, relay, httpServer, blocking }) => {
  const args = `127.0.0.1 ${httpServer.port} /hello`;
  await page.goto(`${relay.url}/?demo=http_client&args=${encodeURIComponent(args)}&blocking=${blocking}`);
  await expect(page.getByLabel('Program')).toHaveValue('http_client');
  await expect(page.getByLabel('Arguments')).toHaveValue(args);
  await page.getByLabel('Arguments').press('Enter');
  await expect(page.locator('#output')).toContainText('X-Served-By: sockbridge-test');
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
});

test('the relay panel shows the relay as reachable with a round-trip time and the blocking mode', async ({ page, openDemo, relay, blocking }) => {
  await openDemo(relay.url);
  await expect(page.locator('#relay-state')).toHaveText('reachable');
  await expect(page.locator('#relay-url')).toHaveText(`ws://127.0.0.1:${relay.port}/wisp/`);
  await expect(page.locator('#relay-rtt')).toHaveText(/^\d+\.\d ms$/);
  await expect(page.locator('#blocking-mode')).toContainText(blocking === 'jspi' ? 'JSPI' : 'Asyncify');
  await expect(page.locator('#blocking-mode')).toContainText('requested by the page');
});

test('Stop ends a running echo_server: the page says stopped, its clients are closed and its port refuses', async ({ page, openDemo, relay }) => {
  await openDemo(relay.url, { demo: 'echo_server', args: '0' });
  const stop = page.getByRole('button', { name: 'Stop' });
  await expect(stop).toBeDisabled();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('listening on 127.0.0.1 port ');
  const port = listeningPort(await page.locator('#output').textContent());
  expect(await echoOnce(port, 'before stop\n')).toBe('before stop\n');

  // A client still connected when Stop is pressed.
  const held = net.connect(port, '127.0.0.1');
  held.on('error', () => {});
  const heldClosed = new Promise((resolve) => held.on('close', resolve));
  await new Promise((resolve) => held.once('connect', resolve));
  await expect(page.locator('#sockets tbody tr', { hasText: `127.0.0.1:${held.localPort}` })).toContainText('connected');

  await expect(stop).toBeEnabled();
  await stop.click();
  await expect(page.locator('#exit-code')).toHaveText('stopped');
  await expect(page.locator('#output')).toContainText('Stopped.');
  await expect(stop).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  await heldClosed;
  await expect.poll(() => refused(port)).toBe(true);
});

test('a relay that is not running is reported as unreachable, in the panel and the terminal', async ({ page, openDemo, relay }) => {
  const port = await closedPort();
  await openDemo(relay.url, { relay: `ws://127.0.0.1:${port}/wisp/`, demo: 'http_client', args: '127.0.0.1 80 /' });
  await expect(page.locator('#relay-state')).toContainText('not reachable');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText(`The relay at ws://127.0.0.1:${port}/wisp/ is unreachable`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 1');
});

test('a connection refused by the relay policy is explained with its reason', async ({ page, openDemo, httpServer }) => {
  const strictRelay = await startRelay([]);
  try {
    await openDemo(strictRelay.url, { demo: 'http_client', args: `127.0.0.1 ${httpServer.port} /hello` });
    await page.getByRole('button', { name: 'Run' }).click();
    const terminal = page.locator('#output');
    await expect(terminal).toContainText("the relay's policy refused a connection");
    await expect(terminal).toContainText('"blocked"');
    await expect(terminal).toContainText('Operation not permitted');
    await expect(page.locator('#exit-code')).toHaveText('exit code 1');
  } finally {
    strictRelay.process.kill('SIGTERM');
  }
});

test('a program whose file is not on the server is named as missing and cannot be run', async ({ page, blocking }) => {
  // A copy of the site without the http_client guest.
  const site = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-site-'));
  await fs.cp(siteDir, site, { recursive: true, filter: (from) => !path.basename(from).startsWith('http_client.') });
  const relay = await startRelay(['--dev'], site);
  try {
    await page.goto(`${relay.url}/?demo=http_client&blocking=${blocking}`);
    await expect(page.locator('#guest-note')).toHaveText(/^http_client\.wasm is not on this server/);
    await expect(page.getByRole('button', { name: 'Run' })).toBeDisabled();
    await page.getByLabel('Program').selectOption('echo_server');
    await expect(page.locator('#guest-note')).toHaveText('');
    await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  } finally {
    relay.process.kill('SIGTERM');
    await fs.rm(site, { recursive: true, force: true });
  }
});

test('the page works with the keyboard alone, and Tab leads out of the terminal again', async ({ page, openDemo, relay, httpServer }) => {
  await openDemo(relay.url, { demo: 'http_client', args: '' });
  await page.getByLabel('Program').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Arguments')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(`127.0.0.1 ${httpServer.port} /hello`);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Run' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#output')).toContainText('hello from a real TCP server');
  // Run moved the focus into the terminal; Tab moves on to the next control.
  await expect(page.getByLabel('Terminal input')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Terminal input')).not.toBeFocused();
  await expect(page.getByRole('button', { name: 'Check' })).toBeFocused();
});

test('at phone width everything fits the screen: no sideways scrolling, the terminal as wide as its panel', async ({ page, openDemo, relay, httpServer, engine }) => {
  test.skip(engine === 'webkit', "MiniBrowser's window cannot be narrower than its toolbar (447 CSS px), so no 390 px viewport");
  await page.setViewportSize({ width: 390, height: 844 });
  await openDemo(relay.url, { demo: 'http_client', args: `127.0.0.1 ${httpServer.port} /hello` });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('hello from a real TCP server');
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    screen: document.querySelector('#output .xterm-screen')?.getBoundingClientRect().width ?? 0,
    panel: document.querySelector('#output')?.getBoundingClientRect().width ?? 0,
  }));
  expect(widths.page).toBeLessThanOrEqual(390);
  expect(widths.screen).toBeGreaterThan(0);
  expect(widths.screen).toBeLessThanOrEqual(widths.panel);
  await expect(page.getByRole('button', { name: 'Run' })).toBeInViewport();
});
