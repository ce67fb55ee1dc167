// UDP end to end: the udp_client guest (plain POSIX sendto/recvfrom) through
// the Node CLI runner, the real relay and real UDP echo peers on 127.0.0.1 and ::1.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, test } from 'node:test';

import { startRelay, siteDir } from '../browser/fixtures.js';
import { runCli } from './run_cli.js';

const guest = `${siteDir}/guests/udp_client.wasm`;

/**
 * A UDP peer answering every datagram with "echo:" + datagram; it records what it received.
 * @param {'udp4' | 'udp6'} type @param {string} address
 */
async function startEchoPeer(type, address) {
  const socket = dgram.createSocket(type);
  /** @type {string[]} */
  const received = [];
  socket.on('message', (message, from) => {
    received.push(message.toString());
    socket.send(`echo:${message}`, from.port, from.address);
  });
  await new Promise((resolve) => socket.bind(0, address, () => resolve(undefined)));
  return { socket, received, port: socket.address().port };
}

let relay;
let v4;
let v6;
before(async () => {
  relay = await startRelay(['--dev']);
  v4 = await startEchoPeer('udp4', '127.0.0.1');
  v6 = await startEchoPeer('udp6', '::1');
});
after(() => {
  relay.process.kill('SIGTERM');
  v4.socket.close();
  v6.socket.close();
});

const relayArgs = () => ['--relay', `ws://127.0.0.1:${relay.port}/wisp/`];

test('udp_client sends datagrams and prints each reply with its sender over IPv4', async () => {
  const result = await runCli([guest, '127.0.0.1', String(v4.port), 'first', 'second one', ...relayArgs()]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `sent 5 bytes: first\nreply from 127.0.0.1:${v4.port}: echo:first\n` +
      `sent 10 bytes: second one\nreply from 127.0.0.1:${v4.port}: echo:second one\n`,
  );
  assert.deepEqual(v4.received.slice(-2), ['first', 'second one'], 'datagram boundaries kept');
});

test('udp_client reaches an IPv6 peer by name resolution of a literal', async () => {
  const result = await runCli([guest, '::1', String(v6.port), 'over six', ...relayArgs()]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`reply from \\[::1\\]:${v6.port}: echo:over six\\n$`));
});

test('a connected udp_client (-c) reports a closed UDP port as connection refused', async () => {
  const closed = await startEchoPeer('udp4', '127.0.0.1');
  const port = closed.port;
  closed.socket.close();
  const result = await runCli([guest, '-c', '127.0.0.1', String(port), 'anyone', ...relayArgs()]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /udp_client: recvfrom: Connection refused/);
});

test('a connected udp_client (-c) exchanges datagrams with its peer', async () => {
  const result = await runCli([guest, '-c', '127.0.0.1', String(v4.port), 'connected', ...relayArgs()]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`reply from 127\\.0\\.0\\.1:${v4.port}: echo:connected\\n$`));
});

test('an unconnected udp_client hears nothing from a closed port, as on Linux', async () => {
  const closed = await startEchoPeer('udp4', '127.0.0.1');
  const port = closed.port;
  closed.socket.close();
  const result = await runCli([guest, '127.0.0.1', String(port), 'anyone', ...relayArgs()]);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /no reply within 2000 ms/);
  assert.equal(result.stderr, '');
});
