// Interoperability, the other way round from wisp_js_interop.test.js: the host
// kernel, through the Node CLI runner (shim-js/cli.js), against the stock
// @mercuryworkshop/wisp-js *server* (its server_cli), in Wisp v2 and in Wisp
// v1. That server offers no stream-open confirmation and no sockbridge
// extension, so connects are optimistic and names cannot be looked up. Checks:
// an HTTP fetch from a real server on 127.0.0.1 (the whole response, exit 0),
// a refused port (wisp-js closes with network_error: "Connection refused"), a
// name (a clear "cannot resolve" error, no hang), and 8 MiB relay → guest
// with the SHA-256 checked. Then a login: wisp-js's server, run in this process
// with its password extension, gets the kernel's credentials in the layout
// wisp-js's (and epoxy's) client writes, and a guest behind the login fetches a page.
import { extensions, logging, server as wispServer } from '@mercuryworkshop/wisp-js/server';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from 'ws';

import { closedPort, siteDir, startHttpServer } from '../browser/fixtures.js';
import { refused, startSource } from '../browser/tcp_peers.js';
import { infoRecords } from '../../shim-js/src/wisp.js';
import { runCli } from './run_cli.js';

// The package exports no path to its CLI: it is found where npm installed it.
const serverCli = new URL('../../node_modules/@mercuryworkshop/wisp-js/src/bin/server_cli.mjs', import.meta.url).pathname;
const httpClient = `${siteDir}/guests/http_client.wasm`;
const transfer = `${siteDir}/guests/transfer.wasm`;

/**
 * @typedef {{ port: number, process: import('node:child_process').ChildProcess, log: string[] }} WispJsServer
 */

/**
 * Starts wisp-js's server_cli on a free port of 127.0.0.1 speaking `version`
 * (its `wisp_version` option: 2 gives v2 to clients that offer a subprotocol,
 * which shim-js does; 1 gives everyone v1), with loopback targets allowed.
 * Resolves once the port accepts connections.
 * @param {1 | 2} version
 * @returns {Promise<WispJsServer>}
 */
async function startWispJsServer(version) {
  const port = await closedPort();
  const options = JSON.stringify({ allow_loopback_ips: true, allow_private_ips: true, wisp_version: version });
  const child = spawn(process.execPath, [serverCli, '-H', '127.0.0.1', '-P', String(port), '-L', 'INFO', '-O', options], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  /** @type {string[]} */
  const log = [];
  /** @param {Buffer} chunk */
  const keep = (chunk) => log.push(...String(chunk).split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + 10_000;
  while (await refused(port)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`wisp-js server did not start:\n${log.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, process: child, log };
}

/** @type {Awaited<ReturnType<typeof startHttpServer>>} */
let http;
/** @type {Awaited<ReturnType<typeof startSource>>} */
let source;
const block = crypto.randomBytes(1024 * 1024);
const blocks = 8;
const expected = (() => {
  const hash = crypto.createHash('sha256');
  for (let i = 0; i < blocks; i++) hash.update(block);
  return hash.digest('hex');
})();

before(async () => {
  http = await startHttpServer();
  source = await startSource(block, blocks);
});
after(() => {
  http.server.closeAllConnections();
  http.server.close();
  source.server.close();
});

for (const version of /** @type {const} */ ([2, 1])) {
  describe(`wisp-js server, Wisp v${version}`, () => {
    /** @type {WispJsServer} */
    let server;
    before(async () => {
      server = await startWispJsServer(version);
    });
    after(() => {
      server.process.kill('SIGKILL');
    });

    /**
     * Runs `guest` with `args` through the CLI against this server, killed after 20 s.
     * @param {string} guest
     * @param {string[]} args
     */
    const run = async (guest, args) => {
      const options = ['--host', `${siteDir}/host/host.js`, '--relay', `ws://127.0.0.1:${server.port}/`];
      const result = await runCli([guest, ...args, ...options], {}, { timeoutMs: 20_000 });
      assert.ok(!result.timedOut, `${guest} ${args.join(' ')}: no exit within 20 s\n${result.stderr}`);
      return result;
    };

    test('http_client gets the whole response from a real server on 127.0.0.1, exit 0', async () => {
      const result = await run(httpClient, ['127.0.0.1', String(http.port), '/hello']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(result.stdout, /\r\nX-Served-By: sockbridge-test\r\n/);
      assert.match(result.stdout, /\r\n\r\nhello from a real TCP server\n$/);
      assert.ok(
        server.log.some((line) => line.includes(`setting up new wisp v${version} connection`)),
        `the server spoke Wisp v${version}:\n${server.log.join('\n')}`,
      );
    });

    test('a refused port reads as "Connection refused" (wisp-js closes with network_error)', async () => {
      const port = await closedPort();
      const result = await run(httpClient, ['127.0.0.1', String(port), '/']);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^http_client: (send|recv): Connection refused\n$/);
    });

    test('a name fails at once with a clear error: RESOLVE needs the sockbridge extension', async () => {
      const result = await run(httpClient, ['localhost', String(http.port), '/hello']);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^http_client: cannot resolve localhost: Not supported\n$/);
    });

    test('8 MiB from a TCP source reach the guest intact (SHA-256)', async () => {
      const result = await run(transfer, ['get', '127.0.0.1', String(source.port)]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^received ${block.length * blocks} sha256 ${expected} `));
    });
  });
}

/**
 * A wisp-js ServerConnection per WebSocket, in this process, offering password
 * auth (required). wisp-js 0.5 checks no password itself, and its parser of
 * the client's credentials is broken (it slices by end offset where it means a
 * length: "alice" arrives as "al"), so this server compares the credential
 * bytes the client sent with what wisp-js's own client serializer writes for
 * `user` (the u16 password length layout, as epoxy writes too), and lets in
 * only an exact match. Every login's bytes are recorded.
 * @param {{ username: string, password: string }} user
 */
async function startWispJsLoginServer(user) {
  wispServer.options.allow_loopback_ips = true;
  wispServer.options.allow_private_ips = true;
  logging.set_level(logging.ERROR);
  const expected = new extensions.PasswordAuthExtension({ client_config: user }).payload.serialize().bytes;
  /** @type {(Uint8Array | undefined)[]} the 0x02 metadata of each client INFO */
  const logins = [];
  const http = createServer();
  const sockets = new WebSocketServer({ server: http });
  sockets.on('connection', async (ws) => {
    ws.binaryType = 'arraybuffer';
    /** @type {Uint8Array | undefined} */
    let clientInfo;
    ws.once('message', (data) => (clientInfo = new Uint8Array(/** @type {ArrayBuffer} */ (data))));
    const connection = new wispServer.ServerConnection(ws, '/', {
      wisp_version: 2,
      wisp_extensions: [new extensions.PasswordAuthExtension({ server_config: { required: 1 } })],
    });
    try {
      await connection.setup();
    } catch {
      return;
    }
    const login = clientInfo && infoRecords(clientInfo).find((record) => record.id === extensions.PasswordAuthExtension.id);
    logins.push(login?.metadata);
    if (!login || Buffer.compare(login.metadata, expected) !== 0) return ws.close();
    await connection.run();
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (http.address()).port;
  const close = () => {
    for (const client of sockets.clients) client.terminate();
    sockets.close();
    http.close();
  };
  return { port, logins, expected, close };
}

describe('wisp-js server with password auth', () => {
  const user = { username: 'alice', password: 'correct horse' };
  /** @type {Awaited<ReturnType<typeof startWispJsLoginServer>>} */
  let server;
  before(async () => {
    server = await startWispJsLoginServer(user);
  });
  after(() => server.close());

  test('the kernel logs in with the u16 password length layout wisp-js reads, and the guest fetches a page', async () => {
    const args = [httpClient, '127.0.0.1', String(http.port), '/hello', '--relay', `ws://127.0.0.1:${server.port}/`];
    const env = { SOCKBRIDGE_RELAY_USER: user.username, SOCKBRIDGE_RELAY_PASSWORD: user.password };
    const result = await runCli(args, env, { timeoutMs: 20_000 });
    assert.deepEqual(server.logins.at(-1), server.expected, "the kernel's credentials are the bytes wisp-js's client writes");
    assert.deepEqual([...server.expected.subarray(0, 3)], [5, 13, 0], 'u8 username length, u16 LE password length');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\r\n\r\nhello from a real TCP server\n$/);
  });
});
