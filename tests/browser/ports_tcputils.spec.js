// Debian's tcputils (tcpconnect / tcplisten), built unmodified by the guest
// SDK (guest/ports/tcputils) and published in the site by the ports.build
// fixture, running in the page through run(): the same binaries the Node CLI
// runs in tests/ports/tcputils.test.js.
import net from 'node:net';

import { closedPort, expect, runGuest, test } from './fixtures.js';

test('tcpconnect in the page talks to a native server and half-closes at the end of its input', async ({ page, relay, blocking }) => {
  /** @type {string[]} */
  const heard = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.write('hello from a native server\n');
    socket.on('data', (chunk) => heard.push(chunk.toString()));
    socket.on('end', () => socket.end('bye after your half-close\n'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  try {
    const port = /** @type {net.AddressInfo} */ (server.address()).port;
    await page.goto(`${relay.url}/healthz`);
    const result = await runGuest(page, {
      guest: 'tcpconnect', args: ['-v', '127.0.0.1', String(port)], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('hello from a native server\nbye after your half-close\n');
    expect(result.stderr).toContain(`[Connected to 127.0.0.1 port ${port}]`);
    expect(heard).toEqual([]);
  } finally {
    server.close();
  }
});

test('tcplisten in the page accepts a native client through the relay and hears it out', async ({ page, relay, blocking }) => {
  const port = await closedPort();
  await page.goto(`${relay.url}/healthz`);
  const running = runGuest(page, {
    guest: 'tcplisten', args: ['-v', '127.0.0.1', String(port)], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
  });
  // Connect once the guest's listening socket is up on the relay host (bounded retries).
  let client = null;
  for (let attempt = 0; attempt < 200 && !client; ++attempt) {
    client = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      socket.once('connect', () => resolve(socket));
      socket.once('error', () => setTimeout(() => resolve(null), 50));
    });
  }
  expect(client).not.toBeNull();
  const socket = /** @type {net.Socket} */ (client);
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  const ended = new Promise((resolve) => socket.on('end', resolve));
  socket.end('hi from a native client\n');
  await ended;
  socket.destroy();
  const result = await running;
  expect(result.code).toBe(0);
  expect(result.stdout).toBe('hi from a native client\n');
  expect(result.stderr).toMatch(/\[Connection from 127\.0\.0\.1 port \d+\]/);
  expect(received).toBe('');
});
