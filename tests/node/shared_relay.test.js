// Several guests over ONE relay WebSocket (shim-js RelayConnection), in one
// Node process: the real relay binary, real TCP and UDP peers on 127.0.0.1,
// the guests' Asyncify builds, each run with a host kernel of its own. The
// relay's own record (its session_open log lines and /metrics) shows how many
// WebSockets were used.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { siteDir, startHttpServer, startRelay } from '../browser/fixtures.js';
import { echoOnce, listeningPort, refused } from '../browser/tcp_peers.js';
import { RelayConnection, RunAborted, run } from '../../shim-js/src/embed.js';
import { until } from './run_cli.js';

if (!globalThis.WebSocket) /** @type {any} */ (globalThis).WebSocket = (await import('ws')).WebSocket;

const hostUrl = pathToFileURL(`${siteDir}/host/host.js`);
const hostWasm = readFileSync(`${siteDir}/host/host.wasm`);
/** @type {Record<string, WebAssembly.Module>} */
const guests = {};
for (const name of ['http_client', 'echo_server', 'udp_client', 'transfer'])
  guests[name] = await WebAssembly.compile(readFileSync(`${siteDir}/guests/${name}.asyncify.wasm`));

/**
 * Runs a guest to completion and collects what it printed and reported.
 * @param {string} name @param {string[]} args @param {RelayConnection | string} relay
 * @param {AbortSignal} [signal]
 */
function runGuest(name, args, relay, signal) {
  const result = { code: /** @type {number | null} */ (null), stdout: '', stderr: '', statuses: /** @type {string[]} */ ([]) };
  const done = run({
    guest: guests[name],
    programName: name,
    args,
    relay,
    signal,
    blocking: 'asyncify',
    hostUrl,
    hostOverrides: { wasmBinary: hostWasm },
    stdout: (bytes) => (result.stdout += Buffer.from(bytes).toString()),
    stderr: (bytes) => (result.stderr += Buffer.from(bytes).toString()),
    onStatus: (message) => result.statuses.push(message),
  }).then((code) => {
    result.code = code;
    return result;
  });
  return { result, done };
}

/** A UDP peer answering every datagram with "echo:" + datagram. */
async function startUdpEcho() {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, from) => socket.send(`echo:${message}`, from.port, from.address));
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(undefined)));
  return { socket, port: socket.address().port };
}

/** A TCP server that accepts and never answers; resolves with it and its port. */
async function startSilentServer() {
  /** @type {net.Socket[]} */
  const clients = [];
  const server = net.createServer((socket) => clients.push(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { server, clients, port: /** @type {net.AddressInfo} */ (server.address()).port };
}

/** @param {{ port: number }} relay @param {string} name */
async function metric(relay, name) {
  const text = await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** @param {{ log: string[] }} relay */
const sessionsOpened = (relay) => relay.log.filter((line) => line.includes('"session_open"')).length;

let http;
let udp;
before(async () => {
  http = await startHttpServer();
  udp = await startUdpEcho();
});
after(() => {
  http.server.closeAllConnections();
  http.server.close();
  udp.socket.close();
});

/** A relay of its own for one test, so its session count is that test's. @param {string[]} [extra] */
async function freshRelay(extra = []) {
  const relay = await startRelay(['--dev', ...extra]);
  return { relay, url: `ws://127.0.0.1:${relay.port}/wisp/`, stop: () => relay.process.kill('SIGTERM') };
}

test('three guests at once over one shared connection each get their own bytes; the relay sees one session', async (t) => {
  const { relay, url, stop } = await freshRelay();
  t.after(stop);
  const connection = new RelayConnection(url);
  const echo = runGuest('echo_server', ['0', '1'], connection);
  await until(() => echo.result.stdout.includes('listening on'), 'echo_server to listen');
  const echoPort = listeningPort(echo.result.stdout);
  const fetched = runGuest('http_client', ['127.0.0.1', String(http.port), '/hello'], connection);
  const datagrams = runGuest('udp_client', ['127.0.0.1', String(udp.port), 'first', 'second one'], connection);
  // The creator lets go now, before two of the runs have even loaded: the runs
  // keep the WebSocket until the last one ends.
  connection.dispose();
  assert.equal(await echoOnce(echoPort, 'through the shared connection\n'), 'through the shared connection\n');

  const [echoed, httpResult, udpResult] = await Promise.all([echo.done, fetched.done, datagrams.done]);
  assert.equal(httpResult.code, 0, httpResult.stderr);
  assert.match(httpResult.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(httpResult.stdout, /\r\n\r\nhello from a real TCP server\n$/);
  assert.equal(udpResult.code, 0, udpResult.stderr);
  assert.equal(
    udpResult.stdout,
    `sent 5 bytes: first\nreply from 127.0.0.1:${udp.port}: echo:first\n` +
      `sent 10 bytes: second one\nreply from 127.0.0.1:${udp.port}: echo:second one\n`,
  );
  assert.equal(echoed.code, 0, echoed.stderr);
  assert.match(echoed.stdout, /echo_server: client \d+ connected from 127\.0\.0\.1 port \d+\necho_server: client \d+ disconnected\n$/);
  for (const r of [echoed, httpResult, udpResult]) assert.ok(r.statuses.includes(`connected to ${url} (shared connection)`), r.statuses.join('\n'));

  assert.equal(sessionsOpened(relay), 1, relay.log.join('\n'));
  assert.equal(await metric(relay, 'sockbridge_sessions_total'), 1);
  const complaints = relay.log.filter((line) => /"(protocol_error|data_for_unknown_stream)"/.test(line));
  assert.deepEqual(complaints, [], 'every frame named a stream the relay knew');
  assert.equal(connection.sessionsOpened, 1);
  await until(() => relay.log.some((line) => line.includes('"session_closed"')), 'the WebSocket to close after the last run');
});

test('downloads far past the byte window reach two guests intact over one shared connection', async (t) => {
  const { url, stop } = await freshRelay();
  t.after(stop);
  // 16 MiB each: four times the window the kernels ask for, so each stream
  // lives on WINDOW_UPDATEs that the connection maps to its wire stream id.
  const body = Buffer.alloc(16 * 1024 * 1024);
  for (let i = 0; i < body.length; ++i) body[i] = (i * 7 + (i >> 12)) & 0xff;
  const digest = createHash('sha256').update(body).digest('hex');
  const server = net.createServer((socket) => socket.end(body));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  t.after(() => server.close());
  const port = String(/** @type {net.AddressInfo} */ (server.address()).port);

  const connection = new RelayConnection(url);
  const downloads = [0, 1].map(() => runGuest('transfer', ['get', '127.0.0.1', port], connection).done);
  connection.dispose();
  for (const result of await Promise.all(downloads)) {
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^received ${body.length} sha256 ${digest} `));
  }
});

test('aborting one run closes only its streams; the other runs to completion on the same connection', async (t) => {
  const { relay, url, stop } = await freshRelay();
  t.after(stop);
  const connection = new RelayConnection(url);
  t.after(() => connection.close());
  const controller = new AbortController();
  const aborted = runGuest('echo_server', ['0', '1'], connection, controller.signal);
  const kept = runGuest('echo_server', ['0', '1'], connection);
  await until(() => aborted.result.stdout.includes('listening on') && kept.result.stdout.includes('listening on'), 'both to listen');
  const [abortedPort, keptPort] = [listeningPort(aborted.result.stdout), listeningPort(kept.result.stdout)];

  controller.abort();
  await assert.rejects(aborted.done, RunAborted);
  await until(() => connection.attachedRuns === 1, 'the aborted run to detach');
  // Its listener was closed at the relay (CLOSE for its wire stream id)...
  for (let attempt = 0; !(await refused(abortedPort)); ++attempt) {
    assert.ok(attempt < 100, 'the aborted guest\'s port still accepts connections');
    await sleep(50);
  }
  // ...and the other guest's listener still serves.
  assert.equal(await echoOnce(keptPort, 'still here\n'), 'still here\n');
  const keptResult = await kept.done;
  assert.equal(keptResult.code, 0, keptResult.stderr);
  assert.match(keptResult.stdout, /client \d+ disconnected\n$/);
  assert.equal(sessionsOpened(relay), 1);
});

test('two guests waiting on the network both see the connection reset when the page closes the shared connection', async (t) => {
  const { url, stop } = await freshRelay();
  t.after(stop);
  const silent = await startSilentServer();
  t.after(() => {
    for (const socket of silent.clients) socket.destroy();
    silent.server.close();
  });
  const connection = new RelayConnection(url);
  const runs = [0, 1].map(() => runGuest('http_client', ['127.0.0.1', String(silent.port), '/'], connection));
  await until(() => silent.clients.length === 2, 'both guests to connect');
  connection.close();
  for (const { done } of runs) {
    const result = await done;
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'http_client: recv: Connection reset by peer\n');
    assert.ok(result.statuses.some((s) => s.includes('was closed by the page')), result.statuses.join('\n'));
  }
  // A closed connection refuses further runs plainly: the guest cannot reach the network.
  const late = await runGuest('http_client', ['127.0.0.1', String(http.port), '/hello'], connection).done;
  assert.equal(late.code, 1);
  assert.match(late.stderr, /Network unreachable|Network is unreachable/);
});

test('after the relay ends an idle session, the next run on the connection opens a new WebSocket', async (t) => {
  const { relay, url, stop } = await freshRelay(['--session-idle-timeout', '1']);
  t.after(stop);
  const connection = new RelayConnection(url);
  t.after(() => connection.dispose());
  const first = await runGuest('http_client', ['127.0.0.1', String(http.port), '/hello'], connection).done;
  assert.equal(first.code, 0, first.stderr);
  await until(() => relay.log.some((line) => line.includes('"session_closed"')), 'the relay to close the idle session');
  const second = await runGuest('http_client', ['127.0.0.1', String(http.port), '/hello'], connection).done;
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /hello from a real TCP server\n$/);
  assert.equal(connection.sessionsOpened, 2);
  assert.equal(sessionsOpened(relay), 2);
});
