// A UDP server guest (tests/guest/udp_echo_server.c: bind, recvfrom, sendto
// to each sender) through the Node CLI runner and the real relay: its port
// lives on the relay host, real UDP clients on 127.0.0.1 and ::1 reach it, and
// each reply goes back to the client that sent the datagram.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, test } from 'node:test';

import { siteDir, startRelay } from '../browser/fixtures.js';
import { runCli } from './run_cli.js';

const guest = `${siteDir}/guests/udp_echo_server.wasm`;

let relay;
before(async () => {
  relay = await startRelay(['--dev']);
});
after(() => relay.process.kill('SIGTERM'));

const relayArgs = (port = relay.port) => ['--relay', `ws://127.0.0.1:${port}/wisp/`];

/** A UDP port free on both loopbacks right now. @returns {Promise<number>} */
async function freeUdpPort() {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = socket.address();
  socket.close();
  return port;
}

/**
 * Sends `text` to address:port every 100 ms (the guest may still be binding)
 * until a reply arrives; resolves with the reply, its sender, and our own port.
 * @param {'udp4' | 'udp6'} type @param {string} address @param {number} port @param {string} text
 */
async function exchange(type, address, port, text) {
  const socket = dgram.createSocket(type);
  await new Promise((resolve) => socket.bind(0, address, () => resolve(undefined)));
  try {
    return await new Promise((resolve, reject) => {
      const resend = setInterval(() => socket.send(text, port, address), 100);
      const give_up = setTimeout(() => {
        clearInterval(resend);
        reject(new Error(`no reply to ${JSON.stringify(text)} from ${address}:${port}`));
      }, 10_000);
      socket.once('message', (message, from) => {
        clearInterval(resend);
        clearTimeout(give_up);
        resolve({ reply: message.toString(), from, own: socket.address().port });
      });
      socket.send(text, port, address);
    });
  } finally {
    socket.close();
  }
}

/** Sends "quit" until the guest run settles. @param {Promise<any>} run */
async function quit(type, address, port, run) {
  const socket = dgram.createSocket(type);
  const resend = setInterval(() => socket.send('quit', port, address), 200);
  socket.send('quit', port, address);
  try {
    return await run;
  } finally {
    clearInterval(resend);
    socket.close();
  }
}

for (const [family, type, address, flags] of [
  ['IPv4', 'udp4', '127.0.0.1', []],
  ['IPv6', 'udp6', '::1', ['-6']],
]) {
  test(`a guest UDP server on a chosen port answers two ${family} clients, each at its own address`, async () => {
    const port = await freeUdpPort();
    const run = runCli([guest, ...flags, String(port), ...relayArgs()], {}, { timeoutMs: 30_000 });
    const first = await exchange(type, address, port, 'hello from the first');
    const second = await exchange(type, address, port, 'and from the second');
    assert.equal(first.reply, 'echo:hello from the first');
    assert.equal(second.reply, 'echo:and from the second');
    assert.equal(first.from.port, port, 'the reply comes from the port the guest bound');
    assert.equal(second.from.port, port);
    assert.notEqual(first.own, second.own);
    const result = await quit(type, address, port, run);
    assert.equal(result.code, 0, result.stderr);
    const shown = type === 'udp6' ? `[${address}]` : address;
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `bound to ${shown}:${port}`, 'getsockname: the relay interface and the port');
    assert.ok(lines.includes(`from ${shown}:${first.own}: hello from the first`), result.stdout);
    assert.ok(lines.includes(`from ${shown}:${second.own}: and from the second`), result.stdout);
  });
}

test('a guest UDP server on any port gets one from the relay and is reachable there', async () => {
  /** @type {(port: number) => void} */
  let announce = () => {};
  const bound = new Promise((resolve) => (announce = resolve));
  const run = runCli([guest, '0', ...relayArgs()], {}, {
    timeoutMs: 30_000,
    onStdout: (/** @type {string} */ text) => {
      const match = /^bound to 0\.0\.0\.0:(\d+)$/m.exec(text);
      if (match) announce(Number(match[1]));
    },
  });
  const port = /** @type {number} */ (await bound);
  assert.ok(port > 0);
  const answer = await exchange('udp4', '127.0.0.1', port, 'who is there');
  assert.equal(answer.reply, 'echo:who is there');
  const result = await quit('udp4', '127.0.0.1', port, run);
  assert.equal(result.code, 0, result.stderr);
});

test('a relay that does not allow listening refuses the bind with EPERM', async () => {
  const strict = await startRelay([]);
  try {
    const result = await runCli([guest, String(await freeUdpPort()), ...relayArgs(strict.port)], {}, { timeoutMs: 20_000 });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /udp_echo_server: bind: Operation not permitted/);
  } finally {
    strict.process.kill('SIGTERM');
  }
});
