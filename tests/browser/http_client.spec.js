// The walking skeleton, end to end: the http_client guest runs in Chromium,
// its socket calls cross host kernel → WebSocket → relay → real TCP server.
import { closedPort, expect, startRelay, test } from './fixtures.js';

/** Opens the demo page with http_client and the given arguments, and runs it. */
async function runHttpClient(page, openDemo, relay, args) {
  await openDemo(relay.url, { demo: 'http_client', args });
  await expect(page.getByLabel('Arguments')).toHaveValue(args);
  await page.getByRole('button', { name: 'Run' }).click();
}

test('http_client prints the status line, headers and body of a real server', async ({ page, openDemo, relay, httpServer, blocking }) => {
  await runHttpClient(page, openDemo, relay, `127.0.0.1 ${httpServer.port} /hello`);
  const output = page.locator('#output');
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  await expect(output).toContainText('HTTP/1.1 200 OK');
  await expect(output).toContainText('X-Served-By: sockbridge-test');
  await expect(output).toContainText('hello from a real TCP server');
  await expect(page.locator('#blocking-mode')).toContainText(blocking, { ignoreCase: true });
});

test('http_client against a closed port reports connection refused and fails', async ({ page, openDemo, relay }) => {
  const port = await closedPort();
  await runHttpClient(page, openDemo, relay, `127.0.0.1 ${port} /`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 1');
  await expect(page.locator('#output')).toContainText(`connect to 127.0.0.1 port ${port}: Connection refused`);
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
});

test('http_client resolves a host name through the relay', async ({ page, openDemo, relay, httpServer }) => {
  await runHttpClient(page, openDemo, relay, `localhost ${httpServer.port} /hello`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  await expect(page.locator('#output')).toContainText('hello from a real TCP server');
});

test('http_client reports a name that does not exist', async ({ page, openDemo, relay }) => {
  await runHttpClient(page, openDemo, relay, 'no-such-host.invalid 80 /');
  await expect(page.locator('#exit-code')).toHaveText('exit code 1');
  await expect(page.locator('#output')).toContainText('cannot resolve no-such-host.invalid: no such host');
});

test('the default page runs http_client against the relay itself', async ({ page, openDemo, relay, blocking }) => {
  await openDemo(relay.url);
  await expect(page.getByLabel('Arguments')).toHaveValue(`127.0.0.1 ${relay.port} /healthz`);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  await expect(page.locator('#output')).toContainText('HTTP/1.1 200 OK');
  await expect(page.locator('#blocking-mode')).toContainText(blocking, { ignoreCase: true });
});

test('a relay without --dev refuses loopback targets and the guest sees operation not permitted', async ({ page, openDemo, httpServer }) => {
  const strictRelay = await startRelay([]);
  try {
    await runHttpClient(page, openDemo, strictRelay, `127.0.0.1 ${httpServer.port} /hello`);
    await expect(page.locator('#exit-code')).toHaveText('exit code 1');
    await expect(page.locator('#output')).toContainText(`connect to 127.0.0.1 port ${httpServer.port}: Operation not permitted`);
    expect(strictRelay.log.some((line) => line.includes('loopback'))).toBe(true);
  } finally {
    strictRelay.process.kill('SIGTERM');
  }
});

test("the page prints the relay's message of the day above the program's output", async ({ page, openDemo, httpServer }) => {
  const motdRelay = await startRelay(['--dev', '--motd', 'This relay is for the test suite only.']);
  try {
    await runHttpClient(page, openDemo, motdRelay, `127.0.0.1 ${httpServer.port} /hello`);
    await expect(page.locator('#exit-code')).toHaveText('exit code 0');
    const output = page.locator('#output');
    await expect(output).toContainText('message from the relay: This relay is for the test suite only.');
    await expect(output).toContainText('hello from a real TCP server');
    const text = (await output.textContent()) ?? '';
    expect(text.indexOf('message from the relay')).toBeLessThan(text.indexOf('HTTP/1.1 200 OK'));
  } finally {
    motdRelay.process.kill('SIGTERM');
  }
});
