// setjmp/longjmp and alarm() in a guest in the page (tests/guest/setjmp_alarm.c
// through run(), JSPI and Asyncify): longjmp from deep calls and out of frames
// that waited in a blocking recv, and SIGALRM leaving a recv from a silent
// server by longjmp or with EINTR — real TCP peers on 127.0.0.1, the real relay.
import net from 'node:net';

import { expect, runGuest, test } from './fixtures.js';
import { startEchoServer } from './tcp_peers.js';

/** A TCP server that accepts and never answers; close() also drops its clients. */
async function startSilentServer() {
  /** @type {net.Socket[]} */
  const clients = [];
  const server = net.createServer((socket) => clients.push(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    close: () => {
      clients.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

test('longjmp returns its value to setjmp from deep calls and across a blocking recv', async ({ page, relay, blocking }) => {
  const peer = await startEchoServer();
  try {
    await page.goto(`${relay.url}/healthz`);
    const wisp = `ws://127.0.0.1:${relay.port}/wisp/`;
    const nested = await runGuest(page, { guest: 'setjmp_alarm', args: ['nested'], relay: wisp, blocking });
    expect(nested.stderr).toBe('');
    expect(nested.stdout).toBe([
      'longjmp from 40 calls deep: setjmp returned 42',
      'longjmp(env, 0): setjmp returned 1',
      'inner then outer: 12',
      'a jmp_buf reused 100 times',
      '',
    ].join('\n'));
    expect(nested.code).toBe(0);

    const across = await runGuest(page, {
      guest: 'setjmp_alarm', args: ['across', '127.0.0.1', String(peer.port)], relay: wisp, blocking,
    });
    expect(across.stderr).toBe('');
    expect(across.stdout).toBe([
      'round 1: longjmp from recv 12 calls deep: 19 bytes',
      'round 2: longjmp from recv 12 calls deep: 19 bytes',
      '',
    ].join('\n'));
    expect(across.code).toBe(0);
  } finally {
    await new Promise((resolve) => peer.server.close(resolve));
  }
});

test('SIGALRM from alarm(1) leaves a recv from a silent server by longjmp, or with EINTR', async ({ page, relay, blocking }) => {
  const silent = await startSilentServer();
  try {
    await page.goto(`${relay.url}/healthz`);
    const wisp = `ws://127.0.0.1:${relay.port}/wisp/`;
    const timeout = await runGuest(page, {
      guest: 'setjmp_alarm', args: ['timeout', '127.0.0.1', String(silent.port)], relay: wisp, blocking,
    });
    expect(timeout.stderr).toBe('');
    expect(timeout.stdout).toBe('SIGALRM left the blocking recv by longjmp, 1 alarm, after about 1 second\n');
    expect(timeout.code).toBe(0);

    const eintr = await runGuest(page, {
      guest: 'setjmp_alarm', args: ['eintr', '127.0.0.1', String(silent.port)], relay: wisp, blocking,
    });
    expect(eintr.stderr).toBe('');
    expect(eintr.stdout).toBe('recv returned -1, errno EINTR, 1 alarm\nalarm(0) after it rang: 0 seconds were left\n');
    expect(eintr.code).toBe(0);
  } finally {
    await silent.close();
  }
});
