// Bulk data through the whole path (guest → host kernel → WebSocket → relay →
// TCP) with the `transfer` guest, and what a guest sees when the relay dies
// under it: an error within a second, then a working run once it is back.
import crypto from 'node:crypto';

import { expect, runGuest, startRelay, test } from './fixtures.js';
import { startEndlessSource, startHashingSink, startSource } from './tcp_peers.js';

const MiB = 1024 * 1024;

/** @param {import('node:net').Server} server */
function stop(server) {
  return new Promise((resolve) => server.close(resolve));
}

/** @param {Buffer} data */
const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');

test('a 64 MiB download arrives intact: the SHA-256 the guest computes is the server\'s', async ({ page, relay, blocking }) => {
  test.setTimeout(180_000);
  const data = crypto.randomBytes(64 * MiB);
  const source = await startSource(data);
  try {
    await page.goto(`${relay.url}/healthz`);
    const result = await runGuest(page, {
      guest: 'transfer', args: ['get', '127.0.0.1', String(source.port)], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^received ${data.length} sha256 ${sha256(data)} seconds `));
  } finally {
    await stop(source.server);
  }
});

test('a 16 MiB upload arrives intact: the sink hashes what the guest sent', async ({ page, relay, blocking }) => {
  test.setTimeout(120_000);
  const sink = await startHashingSink();
  try {
    await page.goto(`${relay.url}/healthz`);
    const size = 16 * MiB;
    const result = await runGuest(page, {
      guest: 'transfer', args: ['put', '127.0.0.1', String(sink.port), String(size)], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sent = /^sent (\d+) sha256 ([0-9a-f]{64}) /.exec(result.stdout);
    expect(sent?.[1]).toBe(String(size));
    expect(result.stdout).toContain(`\nsink ${size} sha256 ${sent?.[2]}\n`);
  } finally {
    await stop(sink.server);
  }
});

test('the relay killed mid-transfer: the guest gets an error at once (not after a timeout), and a new run works once it is back', async ({ page, blocking }) => {
  let relay = await startRelay();
  const source = await startEndlessSource(32 * MiB);
  const small = crypto.randomBytes(MiB);
  const smallSource = await startSource(small);
  try {
    await page.goto(`${relay.url}/healthz`);
    const wisp = `ws://127.0.0.1:${relay.port}/wisp/`;
    const running = runGuest(page, { guest: 'transfer', args: ['drain', '127.0.0.1', String(source.port)], relay: wisp, blocking });
    await source.flowing;
    const killedAt = Date.now();
    relay.process.kill('SIGKILL');
    const result = await running;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^transfer: recv after [1-9]\d* bytes: (Connection reset by peer|Broken pipe)\n$/);
    expect(result.status.join('\n')).toContain(`connection to the relay at ${wisp} closed`);
    // At once, not after an idle timeout; the bound is loose because CI machines are loaded.
    expect(result.endedAt - killedAt).toBeLessThan(5000);

    // Same port, same page, no reload.
    relay = await startRelay(['--dev'], undefined, `127.0.0.1:${relay.port}`);
    const again = await runGuest(page, { guest: 'transfer', args: ['get', '127.0.0.1', String(smallSource.port)], relay: wisp, blocking });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^received ${small.length} sha256 ${sha256(small)} `));
  } finally {
    relay.process.kill('SIGTERM');
    source.server.close();
    await stop(smallSource.server);
  }
});
