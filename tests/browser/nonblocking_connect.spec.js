// Non-blocking connect as event loops do it (fcntl O_NONBLOCK, connect →
// EINPROGRESS, poll for POLLOUT, getsockopt SO_ERROR), with the
// `nonblocking_connect` guest against a real TCP echo server and a closed port.
import { closedPort, expect, runGuest, test } from './fixtures.js';
import { startEchoServer } from './tcp_peers.js';

test('a non-blocking connect is EINPROGRESS, then POLLOUT with SO_ERROR 0, then echoes', async ({ page, relay, blocking }) => {
  const peer = await startEchoServer();
  try {
    await page.goto(`${relay.url}/healthz`);
    const message = 'hello without blocking';
    const result = await runGuest(page, {
      guest: 'nonblocking_connect', args: ['127.0.0.1', String(peer.port), message], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe([
      'nonblocking: yes',
      'connect: EINPROGRESS',
      'poll: POLLOUT',
      'SO_ERROR: 0',
      'recv before sending: EAGAIN',
      `echo: ${message}`,
      '',
    ].join('\n'));
    expect(result.code).toBe(0);
    expect(peer.received).toEqual([message]);
  } finally {
    await new Promise((resolve) => peer.server.close(resolve));
  }
});

test('a non-blocking connect to a closed port reports ECONNREFUSED through SO_ERROR', async ({ page, relay, blocking }) => {
  const port = await closedPort();
  await page.goto(`${relay.url}/healthz`);
  const result = await runGuest(page, {
    guest: 'nonblocking_connect', args: ['127.0.0.1', String(port), 'unused'], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
  });
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe(['nonblocking: yes', 'connect: EINPROGRESS', 'poll: POLLOUT POLLERR POLLHUP', 'SO_ERROR: ECONNREFUSED', ''].join('\n'));
  expect(result.code).toBe(1);
});
