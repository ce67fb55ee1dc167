// The udp_client guest in Chromium: datagrams from the page cross host kernel
// → WebSocket → relay (a bound UDP port, or with -c a connected Wisp UDP
// stream) → a real UDP echo peer on 127.0.0.1, and the replies come back with
// their sender, in the terminal and the socket table.
import dgram from 'node:dgram';

import { closedPort, expect, test as base } from './fixtures.js';

const test = base.extend({
  // A UDP peer on 127.0.0.1 answering every datagram with "echo:" + datagram.
  udpPeer: async ({}, use) => {
    const socket = dgram.createSocket('udp4');
    /** @type {string[]} */
    const received = [];
    socket.on('message', (message, from) => {
      received.push(message.toString());
      socket.send(`echo:${message}`, from.port, from.address);
    });
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(undefined)));
    await use({ port: socket.address().port, received });
    socket.close();
  },
});

test('udp_client exchanges datagrams with a real UDP peer', async ({ page, openDemo, relay, udpPeer }) => {
  const args = `127.0.0.1 ${udpPeer.port} ping pong`;
  await openDemo(relay.url, { demo: 'udp_client', args });
  await expect(page.getByLabel('Arguments')).toHaveValue(args);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  await expect(page.locator('#output')).toContainText(`reply from 127.0.0.1:${udpPeer.port}: echo:ping`);
  await expect(page.locator('#output')).toContainText(`reply from 127.0.0.1:${udpPeer.port}: echo:pong`);
  expect(udpPeer.received).toEqual(['ping', 'pong']);
});

test('a waiting udp_client shows its UDP socket in the table, then says no reply came', async ({ page, openDemo, relay }) => {
  const silent = dgram.createSocket('udp4');
  await new Promise((resolve) => silent.bind(0, '127.0.0.1', () => resolve(undefined)));
  try {
    const port = silent.address().port;
    await openDemo(relay.url, { demo: 'udp_client', args: `127.0.0.1 ${port} hello?` });
    await page.getByRole('button', { name: 'Run' }).click();
    // An unconnected socket: its own port on the relay, no peer.
    const row = page.getByRole('row').filter({ hasText: 'UDP' });
    await expect(row).toContainText('bound');
    await expect(row).toContainText(/0\.0\.0\.0:\d+/);
    await expect(page.locator('#exit-code')).toHaveText('exit code 1');
    await expect(page.locator('#output')).toContainText('no reply within 2000 ms');
  } finally {
    silent.close();
  }
});

test('a connected udp_client reports a closed UDP port as connection refused', async ({ page, openDemo, relay }) => {
  const port = await closedPort();
  await openDemo(relay.url, { demo: 'udp_client', args: `-c 127.0.0.1 ${port} anyone` });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#exit-code')).toHaveText('exit code 1');
  await expect(page.locator('#output')).toContainText('udp_client: recvfrom: Connection refused');
});
