// Interoperability: the stock Wisp client library (@mercuryworkshop/wisp-js)
// opens TCP streams through sockbridge-relay to a real echo server, in both
// protocol versions, and logs in to a relay that has users (wisp-js writes its
// credentials with a u16 password length, which the relay reads beside draft 6).
import { client as wisp, extensions } from '@mercuryworkshop/wisp-js/client';
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { startRelay } from '../browser/fixtures.js';

let relay;
/** @type {net.Server} */
let echo;
let echoPort = 0;

before(async () => {
  relay = await startRelay(['--dev']);
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = /** @type {net.AddressInfo} */ (echo.address()).port;
});
after(() => {
  relay.process.kill('SIGTERM');
  echo.close();
});

/**
 * Opens a wisp-js connection (to `port`, default the shared relay) and resolves once it is ready.
 * `login`: credentials sent with wisp-js's own password extension (v2 only).
 * @param {1 | 2} version
 * @param {number} [port]
 * @param {{ username: string, password: string }} [login]
 */
function openConnection(version, port = relay.port, login = undefined) {
  const wisp_extensions = login && [
    new extensions.UDPExtension({ client_config: {} }),
    new extensions.PasswordAuthExtension({ client_config: login }),
  ];
  const connection = new wisp.ClientConnection(`ws://127.0.0.1:${port}/wisp/`, { wisp_version: version, wisp_extensions });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('wisp-js connection did not open')), 5000);
    connection.onopen = () => {
      clearTimeout(timer);
      resolve(connection);
    };
    connection.onerror = () => reject(new Error('wisp-js connection failed'));
    connection.onclose = () => reject(new Error('wisp-js connection closed before it opened'));
  });
}

/** Sends `text` on a new stream and resolves with everything echoed back. */
function echoThrough(connection, text) {
  const stream = connection.create_stream('127.0.0.1', echoPort);
  return new Promise((resolve, reject) => {
    let received = '';
    const timer = setTimeout(() => reject(new Error(`echo incomplete: ${JSON.stringify(received)}`)), 5000);
    stream.onmessage = (data) => {
      received += new TextDecoder().decode(data);
      if (received.length < text.length) return;
      clearTimeout(timer);
      stream.close();
      resolve(received);
    };
    stream.onclose = (reason) => reject(new Error(`stream closed early: ${reason}`));
    stream.send(new TextEncoder().encode(text));
  });
}

for (const version of [1, 2]) {
  test(`wisp-js v${version} client round-trips bytes through the relay`, async () => {
    const connection = await openConnection(version);
    try {
      assert.equal(await echoThrough(connection, `hello from wisp-js v${version}`), `hello from wisp-js v${version}`);
      const big = 'z'.repeat(200_000);
      assert.equal(await echoThrough(connection, big), big);
    } finally {
      connection.close();
    }
  });
}

test('wisp-js client sees a refused stream closed with reason 0x44', async () => {
  const connection = await openConnection(2);
  try {
    const probe = net.createServer();
    await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = /** @type {net.AddressInfo} */ (probe.address()).port;
    await new Promise((resolve) => probe.close(resolve));
    const stream = connection.create_stream('127.0.0.1', closedPort);
    const reason = await new Promise((resolve) => (stream.onclose = resolve));
    assert.equal(reason, 0x44);
  } finally {
    connection.close();
  }
});

test('wisp-js client reads the relay MOTD from its INFO', async () => {
  const motdRelay = await startRelay(['--dev', '--motd', 'hello, wisp-js']);
  try {
    const connection = await openConnection(2, motdRelay.port);
    try {
      assert.equal(connection.server_motd, 'hello, wisp-js');
      assert.equal(await echoThrough(connection, 'still works'), 'still works');
    } finally {
      connection.close();
    }
  } finally {
    motdRelay.process.kill('SIGTERM');
  }
});

test('wisp-js client logs in to a relay with users (u16 password length layout); a wrong password is refused', async () => {
  const loginRelay = await startRelay(['--dev', '--user', 'alice:correct horse']);
  try {
    const connection = await openConnection(2, loginRelay.port, { username: 'alice', password: 'correct horse' });
    try {
      assert.equal(await echoThrough(connection, 'logged in'), 'logged in');
    } finally {
      connection.close();
    }
    await assert.rejects(
      openConnection(2, loginRelay.port, { username: 'alice', password: 'correct hors' }),
      /closed before it opened|connection failed/,
    );
  } finally {
    loginRelay.process.kill('SIGTERM');
  }
});
