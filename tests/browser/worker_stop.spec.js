// Guests run in a Web Worker (shim-js worker_run.js / guest_worker.js): a
// guest spinning in a CPU loop without any system call neither freezes the
// page nor survives Stop, and its TCP connection ends at the real peer; on a
// shared RelayConnection Stop closes only that guest's streams. The main-thread
// mode (?thread=main, run({ thread: 'main' })) still runs and stops guests.
import net from 'node:net';

import { expect, test } from './fixtures.js';
import { echoOnce, listeningPort } from './tcp_peers.js';

/**
 * A TCP server on 127.0.0.1 that keeps what each client sent and notes when
 * the client's side ended (FIN or reset): what cpu_spin connects to.
 * @returns {Promise<{ port: number, server: net.Server, clients: { received: string, ended: boolean }[] }>}
 */
function startWatchingPeer() {
  /** @type {{ received: string, ended: boolean }[]} */
  const clients = [];
  const server = net.createServer((socket) => {
    const client = { received: '', ended: false };
    clients.push(client);
    socket.on('data', (chunk) => (client.received += chunk));
    socket.on('end', () => (client.ended = true));
    socket.on('close', () => (client.ended = true));
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ port: /** @type {net.AddressInfo} */ (server.address()).port, server, clients })));
}

/**
 * Counts the Web Workers the page starts from now on (in window.workersStarted).
 * @param {import('@playwright/test').Page} page
 */
function countWorkers(page) {
  return page.evaluate(() => {
    const scope = /** @type {any} */ (window);
    scope.workersStarted = 0;
    scope.Worker = new Proxy(scope.Worker, {
      construct(target, args) {
        ++scope.workersStarted;
        return Reflect.construct(target, args);
      },
    });
  });
}
const workersStarted = (/** @type {import('@playwright/test').Page} */ page) => page.evaluate(() => /** @type {any} */ (window).workersStarted);

/** @type {Awaited<ReturnType<typeof startWatchingPeer>>} */
let peer;
test.beforeEach(async () => {
  peer = await startWatchingPeer();
});
test.afterEach(async () => {
  await new Promise((resolve) => peer.server.close(resolve));
});

test('Stop ends a guest spinning without system calls at once, and its TCP connection ends at the peer', async ({ page, openDemo, relay }) => {
  await openDemo(relay.url, { demo: 'cpu_spin', args: `127.0.0.1 ${peer.port}` });
  await countWorkers(page);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('spinning');
  await expect.poll(() => peer.clients[0]?.received).toBe('cpu_spin connected\n');
  expect(await workersStarted(page)).toBe(1);

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('#exit-code')).toHaveText('stopped');
  await expect(page.locator('#output')).toContainText('Stopped.');
  // How long Stop takes is bench/browser's to measure (not a timed assert on a
  // loaded machine); here the page must have marked both ends of it, once.
  // (A duration could be 0: Firefox rounds performance.now() to 1 ms.)
  const marks = await page.evaluate(() => ['sockbridge-stop', 'sockbridge-stopped'].map((name) => performance.getEntriesByName(name, 'mark').length));
  expect(marks).toEqual([1, 1]);
  await expect.poll(() => peer.clients[0].ended).toBe(true);
  // The page can run the next program.
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('spinning');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('#exit-code')).toHaveText('stopped');
});

test('the page answers clicks and keys while a guest spins', async ({ page, openDemo, relay }) => {
  await openDemo(relay.url, { demo: 'cpu_spin' });
  await expect(page.locator('#relay-state')).toHaveText('reachable');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('spinning');

  // The Check button's handler shows "checking…" at once.
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await expect(page.locator('#relay-state')).toHaveText('checking…');
  // The terminal takes typing (it goes to the guest's stdin, which it never reads).
  await page.locator('#output').click();
  await page.keyboard.type('typed while spinning');
  await expect(page.locator('#output')).toContainText('typed while spinning');
  await expect(page.locator('#exit-code')).toHaveText('running…');

  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('#exit-code')).toHaveText('stopped');
});

test('on a shared connection Stop closes only the spinning guest\'s streams; the other guest keeps working', async ({ page, relay, blocking }) => {
  await page.goto(`${relay.url}/embed-example.html`);
  await page.evaluate(async ({ relayUrl, blocking, peerPort }) => {
    const { RelayConnection, run } = await import('./shim-js/src/embed.js');
    const connection = new RelayConnection(relayUrl);
    /** @type {any} */
    const shared = { output: { spin: '', echo: '' }, ended: {}, controllers: {} };
    /** @type {any} */ (window).shared = shared;
    const guests = [
      { name: 'spin', guest: 'guests/cpu_spin.wasm', args: ['127.0.0.1', String(peerPort)] },
      { name: 'echo', guest: 'guests/echo_server.wasm', args: ['0', '1'] },
    ];
    for (const { name, guest, args } of guests) {
      const controller = new AbortController();
      shared.controllers[name] = controller;
      const print = (/** @type {Uint8Array} */ bytes) => (shared.output[name] += new TextDecoder().decode(bytes));
      run({ guest, programName: name, args, relay: connection, blocking: /** @type {any} */ (blocking), signal: controller.signal, stdout: print, stderr: print })
        .then((code) => (shared.ended[name] = `exit code ${code}`))
        .catch((error) => (shared.ended[name] = `${error.constructor.name}: ${error.message}`));
    }
    connection.dispose();
  }, { relayUrl: `ws://127.0.0.1:${relay.port}/wisp/`, blocking, peerPort: peer.port });
  const output = (/** @type {string} */ name) => page.evaluate((n) => /** @type {any} */ (window).shared.output[n], name);
  const ended = (/** @type {string} */ name) => page.evaluate((n) => /** @type {any} */ (window).shared.ended[n] ?? 'running', name);

  await expect.poll(() => output('spin')).toContain('spinning');
  await expect.poll(() => output('echo')).toContain('listening on 127.0.0.1 port ');
  await expect.poll(() => peer.clients[0]?.received).toBe('cpu_spin connected\n');

  await page.evaluate(() => /** @type {any} */ (window).shared.controllers.spin.abort());
  await expect.poll(() => ended('spin')).toBe('RunAborted: run aborted');
  await expect.poll(() => peer.clients[0].ended).toBe(true);
  // The WebSocket stays: the relay closed one stream, not the session.
  expect(relay.log.filter((line) => line.includes('"session_closed"'))).toEqual([]);
  const echoPort = listeningPort(await output('echo'));
  expect(await echoOnce(echoPort, 'still shared\n')).toBe('still shared\n');
  await expect.poll(() => ended('echo')).toBe('exit code 0');
  expect(relay.log.filter((line) => line.includes('"session_open"'))).toHaveLength(1);
});

test("relaySocket: 'worker' opens the WebSocket in the Worker; Stop ends the guest and the engine closes that WebSocket", async ({ page, relay, blocking, engine }) => {
  test.skip(engine === 'webkit', 'WebKitGTK leaves a terminated Worker\'s WebSocket open: the reason relaySocket defaults to the page there');
  await page.goto(`${relay.url}/embed-example.html`);
  await page.evaluate(async ({ relayUrl, blocking, peerPort }) => {
    const { run } = await import('./shim-js/src/embed.js');
    const controller = new AbortController();
    /** @type {any} */
    const spin = { output: '', ended: 'running', controller };
    /** @type {any} */ (window).spin = spin;
    run({
      guest: 'guests/cpu_spin.wasm', programName: 'cpu_spin', args: ['127.0.0.1', String(peerPort)], relay: relayUrl,
      relaySocket: 'worker', blocking: /** @type {any} */ (blocking), signal: controller.signal,
      stdout: (bytes) => (spin.output += new TextDecoder().decode(bytes)),
    }).then((code) => (spin.ended = `exit code ${code}`), (error) => (spin.ended = `${error.constructor.name}: ${error.message}`));
  }, { relayUrl: `ws://127.0.0.1:${relay.port}/wisp/`, blocking, peerPort: peer.port });
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).spin.output)).toBe('spinning\n');
  await expect.poll(() => peer.clients[0]?.received).toBe('cpu_spin connected\n');

  await page.evaluate(() => /** @type {any} */ (window).spin.controller.abort());
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).spin.ended)).toBe('RunAborted: run aborted');
  await expect.poll(() => peer.clients[0].ended).toBe(true);
  await expect.poll(() => relay.log.some((line) => line.includes('"session_closed"'))).toBe(true);
});

test('thread=main still runs a guest on the page\'s thread, and Stop ends it at its next wait', async ({ page, openDemo, relay }) => {
  await openDemo(relay.url, { demo: 'http_client', args: `127.0.0.1 ${relay.port} /healthz`, thread: 'main' });
  await countWorkers(page);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  await expect(page.locator('#output')).toContainText('ok');
  expect(await workersStarted(page)).toBe(0);

  await openDemo(relay.url, { demo: 'echo_server', args: '0 1', thread: 'main' });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('listening on 127.0.0.1 port ');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.locator('#exit-code')).toHaveText('stopped');
});
