// NetPIPE 3.7.2 (NPtcp) from Debian's netpipe source, built unmodified with its
// makefile (guest/ports/netpipe). The guest is NPtcp's receiver, listening
// through the relay; Debian's own NPtcp (netpipe-tcp) on this machine is the
// transmitter, which times the ping-pong and reports the figures.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';

import { closedPort } from '../browser/fixtures.js';
import { startGuest, until, usePorts } from './guest_run.js';

const run = promisify(execFile);
const built = usePorts(['netpipe']);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-netpipe-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs Debian's NPtcp as the transmitter against the guest's receiver on port.
 * The guest prints its buffer sizes just before it listens, so the first
 * attempts may find nothing listening yet (NPtcp then exits at once with
 * errno 111): retried, bounded.
 * @param {number} port @param {string[]} args @returns {Promise<{ stdout: string, stderr: string }>}
 */
async function transmit(port, args) {
  for (let attempt = 0; ; ++attempt) {
    try {
      return await run('NPtcp', ['-h', '127.0.0.1', '-P', String(port), ...args], { timeout: 60_000 });
    } catch (error) {
      const failed = /** @type {{ stdout?: string }} */ (error);
      if (attempt >= 100 || !failed.stdout?.includes('Cannot Connect! errno=111')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Starts the guest's NPtcp receiver and resolves once it is about to listen.
 * Both ends are given the same upper size (-u), as NetPIPE asks: each walks
 * the sizes itself, in lockstep.
 * @param {number} port @param {string[]} [args]
 */
async function startReceiver(port, args = []) {
  const receiver = startGuest(path.join(built.netpipe, 'NPtcp'), ['-P', String(port), '-u', '65536', ...args]);
  await until(receiver, () => receiver.output.stderr.includes('Send and receive buffers are'), 'NPtcp set up its socket');
  return receiver;
}

test('NPtcp in the guest answers Debian NPtcp for every message size from 1 byte to 64 KiB, and the transmitter reports the throughput of each', async () => {
  const port = await closedPort();
  const receiver = await startReceiver(port);
  const results = path.join(scratch, 'np.out');
  const transmitter = await transmit(port, ['-u', '65536', '-n', '20', '-o', results]);
  const received = await receiver.exited;
  assert.equal(received.code, 0, received.stderr);

  const rows = readFileSync(results, 'utf8').trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
  const sizes = rows.map(([bytes]) => bytes);
  assert.equal(sizes[0], 1);
  assert.ok(sizes.includes(65536), `sizes measured: ${sizes.join(' ')}`);
  assert.ok(rows.length >= 40, `${rows.length} sizes measured`);
  for (const [bytes, mbps, seconds] of rows) {
    assert.ok(mbps > 0 && seconds > 0, `${bytes} bytes: ${mbps} Mbps in ${seconds} s`);
  }
  assert.match(transmitter.stderr, /\d+:\s+65536 bytes\s+20 times -->\s+[\d.]+ Mbps in\s+[\d.]+ usec/);
});

test('NPtcp in the guest echoes every byte intact: Debian NPtcp -i passes its integrity check for each size', async () => {
  const port = await closedPort();
  const receiver = await startReceiver(port, ['-i']);
  const transmitter = await transmit(port, ['-i', '-u', '65536', '-n', '5', '-o', path.join(scratch, 'integrity.out')]);
  const received = await receiver.exited;
  assert.equal(received.code, 0, received.stderr);
  const checks = transmitter.stderr.match(/Integrity check passed/g) ?? [];
  const sizes = transmitter.stderr.match(/\d+:\s+\d+ bytes/g) ?? [];
  assert.ok(sizes.length >= 20, transmitter.stderr);
  assert.equal(checks.length, sizes.length, transmitter.stderr);
});
