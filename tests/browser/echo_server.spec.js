// echo_server in the page: the relay opens a real listening socket and real
// TCP clients on 127.0.0.1 talk to the guest, several at once.
import net from 'node:net';

import { closedPort, expect, test } from './fixtures.js';
import { echoOnce } from './tcp_peers.js';

test('echo_server serves several real TCP clients at once', async ({ page, openDemo, relay }) => {
  const port = await closedPort();
  await openDemo(relay.url, { demo: 'echo_server', args: `${port} 4` });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText(`listening on 127.0.0.1 port ${port}`);
  const table = page.locator('#sockets tbody');
  await expect(table.locator('tr', { hasText: 'TCP listener' })).toContainText(`listening127.0.0.1:${port}`);

  // A client that stays connected shows up in the socket table with its peer and byte counts.
  const lingering = net.connect(port, '127.0.0.1', () => lingering.write('12345'));
  await expect(table.locator('tr', { hasText: 'connected' })).toContainText(`127.0.0.1:${lingering.localPort ?? ''}`);
  await expect(table.locator('tr', { hasText: 'connected' }).locator('td').nth(5)).toHaveText('5');
  await expect(table.locator('tr', { hasText: 'connected' }).locator('td').nth(6)).toHaveText('5');
  lingering.end();

  const texts = ['first client\n', 'second client\n', 'third client\n'];
  const echoes = await Promise.all(texts.map((text) => echoOnce(port, text)));
  expect(echoes).toEqual(texts);

  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  const output = page.locator('#output');
  await expect(output).toContainText('connected from 127.0.0.1 port');
  await expect(output).toContainText('disconnected');
});
