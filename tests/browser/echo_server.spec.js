// echo_server in the page: the relay opens a real listening socket and real
// TCP clients on 127.0.0.1 talk to the guest, several at once.
import net from 'node:net';

import { expect, test } from './fixtures.js';
import { listeningPort } from './tcp_peers.js';

/** Resolves with a TCP client connected to 127.0.0.1:port. @param {number} port @returns {Promise<net.Socket>} */
function connectClient(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/**
 * Resolves with the first `length` bytes socket receives; rejects if it
 * closes first or they take more than 10 s.
 * @param {net.Socket} socket @param {number} length @returns {Promise<string>}
 */
function nextBytes(socket, length) {
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(() => reject(new Error(`no echo within 10 s, got ${JSON.stringify(received)}`)), 10_000);
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.length < length) return;
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('close', () => reject(new Error(`closed before its echo, got ${JSON.stringify(received)}`)));
  });
}

test('echo_server serves several real TCP clients at once', async ({ page, openDemo, relay }) => {
  const texts = ['first client\n', 'second client\n', 'third client\n', 'fourth client\n'];
  await openDemo(relay.url, { demo: 'echo_server', args: `0 ${texts.length + 1}` });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('listening on 127.0.0.1 port ');
  const port = listeningPort(await page.locator('#output').textContent());
  const table = page.locator('#sockets tbody');
  await expect(table.locator('tr', { hasText: 'TCP listener' })).toContainText(`listening127.0.0.1:${port}`);

  // A client that stays connected shows up in the socket table with its peer and byte counts.
  const lingering = net.connect(port, '127.0.0.1', () => lingering.write('12345'));
  await expect(table.locator('tr', { hasText: 'connected' })).toContainText(`127.0.0.1:${lingering.localPort ?? ''}`);
  await expect(table.locator('tr', { hasText: 'connected' }).locator('td').nth(5)).toHaveText('5');
  await expect(table.locator('tr', { hasText: 'connected' }).locator('td').nth(6)).toHaveText('5');
  lingering.end();

  // All connected at once, and the guest holds all of them (a server serving
  // one client at a time would accept only the first) ...
  const clients = await Promise.all(texts.map(() => connectClient(port)));
  try {
    for (const client of clients)
      await expect(table.locator('tr', { hasText: `127.0.0.1:${client.localPort}` })).toContainText('connected');
    // ... then each sends, and every echo must come back while all stay open.
    const echoes = Promise.all(clients.map((client, i) => nextBytes(client, texts[i].length)));
    clients.forEach((client, i) => client.write(texts[i]));
    expect(await echoes).toEqual(texts);
    expect(clients.map((client) => client.readyState)).toEqual(texts.map(() => 'open'));
  } finally {
    for (const client of clients) client.end();
  }

  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  const output = page.locator('#output');
  await expect(output).toContainText('connected from 127.0.0.1 port');
  await expect(output).toContainText('disconnected');
});
