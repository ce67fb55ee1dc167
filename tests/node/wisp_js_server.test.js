// Interoperability, the other way round from wisp_js_interop.test.js: the host
// kernel, through the Node CLI runner (shim-js/cli.js), against the stock
// @mercuryworkshop/wisp-js *server* (its server_cli), in Wisp v2 and in Wisp
// v1. That server offers no stream-open confirmation and no sockbridge
// extension, so connects are optimistic and names cannot be looked up. Checks:
// an HTTP fetch from a real server on 127.0.0.1 (the whole response, exit 0),
// a refused port (wisp-js closes with network_error: "Connection refused"), a
// name (a clear "cannot resolve" error, no hang), and 8 MiB relay → guest
// with the SHA-256 checked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { closedPort, siteDir, startHttpServer } from '../browser/fixtures.js';
import { refused, startSource } from '../browser/tcp_peers.js';
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
