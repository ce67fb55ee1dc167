// The demo page's curl: Debian's curl 7.88.1 (guest/ports/curl, published in
// the site by the ports.build fixture) run from the page's form, against the
// real relay and a real Node HTTP server on 127.0.0.1: the default example,
// the CA bundle the page hands it, chunked bodies with trailers, redirect
// chains over one kept-alive connection, a 16 MiB body, slow and stalled
// responses and the errors a person would meet, each with curl's own text and
// exit code; the same bytes as Debian's native curl for the same requests; and
// the <sockbridge-run> element giving curl the roots (ca-bundle) and files.
import { spawn } from 'node:child_process';

import { BIG_BODY_BYTES, bigBody, sha256, SLOW_PIECE_MS, startCurlTestServer } from './curl_server.js';
import { closedPort, expect, test as base } from './fixtures.js';
import { serverName, startTlsServers } from '../ports/tls_peers.js';

const test = base.extend({
  curlServer: async ({}, use) => {
    const server = await startCurlTestServer();
    await use(server);
    await server.close();
  },
});

/**
 * What the program wrote, byte for byte, as the page's "Save output" link
 * offers it after a run (the terminal itself wraps and scrolls).
 * @returns {Promise<string>}
 */
async function programOutput(page) {
  const href = await page.getByRole('link', { name: 'Save output' }).getAttribute('href');
  return page.evaluate(async (url) => (await fetch(url)).text(), href);
}

/**
 * Runs a native program to its end, without blocking this process (the test servers live in it).
 * @param {string} program @param {string[]} args
 * @returns {Promise<{ status: number | null, stdout: string, stderr: string }>}
 */
function runNative(program, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Opens the demo page with curl and the given arguments, runs it and waits for its exit code. */
async function runCurl(page, openDemo, relay, args) {
  await openDemo(relay.url, { demo: 'curl', args });
  await expect(page.getByLabel('Arguments')).toHaveValue(args);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#exit-code')).toHaveText(/exit code \d+/, { timeout: 30_000 });
}

test('the page offers curl with an example that works against the relay', async ({ page, openDemo, relay, blocking }) => {
  await openDemo(relay.url, { demo: 'curl' });
  await expect(page.getByLabel('Program', { exact: true })).toHaveValue('curl');
  await expect(page.getByLabel('Arguments')).toHaveValue(`-sS -i http://127.0.0.1:${relay.port}/healthz`);
  await expect(page.locator('#usage')).toContainText('curl 7.88');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  expect(await programOutput(page)).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok/);
  await expect(page.locator('#blocking-mode')).toContainText(new RegExp(blocking, 'i'));
});

test('the page gives curl the Mozilla roots, fetched once: verification is on and the test CA is not trusted', async ({
  page,
  openDemo,
  relay,
  engine,
}) => {
  test.skip(engine === 'webkit', 'counts fetches with page.on("request"): classic WebDriver reports no network events');
  const tls = await startTlsServers({ 'hello.txt': 'hello\n' });
  /** @type {string[]} */
  const bundleFetches = [];
  page.on('request', (request) => request.url().endsWith('/certs/ca-certificates.crt') && bundleFetches.push(request.url()));
  try {
    const args = `-sS --resolve ${serverName}:${tls.ports.rsa}:127.0.0.1 https://${serverName}:${tls.ports.rsa}/hello.txt`;
    await runCurl(page, openDemo, relay, args);
    // Without a bundle curl exits 77 (it cannot read its CA file); with the roots, 60.
    await expect(page.locator('#exit-code')).toHaveText('exit code 60');
    expect(await programOutput(page)).toMatch(/^curl: \(60\) Cert verify failed: BADCERT_NOT_TRUSTED$/m);
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.locator('#exit-code')).toHaveText('exit code 60');
    expect(bundleFetches).toHaveLength(1);
    const bundle = await page.evaluate(async () => (await fetch('/certs/ca-certificates.crt')).text());
    expect(bundle).toContain('-----BEGIN CERTIFICATE-----');
  } finally {
    tls.stop();
  }
});

test('curl decodes a chunked body and shows the trailer with -i', async ({ page, openDemo, relay, curlServer }) => {
  await runCurl(page, openDemo, relay, `-sS -i http://127.0.0.1:${curlServer.port}/chunked`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  expect(await programOutput(page)).toContain('Transfer-Encoding: chunked');
  // Undecoded, the chunk sizes would sit between the pieces.
  expect(await programOutput(page)).toMatch(/\r\n\r\nfirst chunk\nsecond, longer chunk of text\nthird\nX-Checksum: done\r\n$/);
});

test('curl follows a redirect chain over one kept-alive connection, and stops after --max-redirs', async ({ page, openDemo, relay, curlServer }) => {
  const base = `http://127.0.0.1:${curlServer.port}`;
  await runCurl(page, openDemo, relay, `-sS -L ${base}/redirect/3 ${base}/absolute ${base}/chunked`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  // Only the final bodies: the redirects' own bodies are read and dropped.
  expect(await programOutput(page)).toBe(
    'arrived with GET\nhello from a real TCP server\nfirst chunk\nsecond, longer chunk of text\nthird\n',
  );
  // 4 hops of the chain, 2 for /absolute → /hello, 1 for /chunked: all on one TCP connection.
  expect(curlServer.stats.requests).toBe(7);
  expect(curlServer.stats.connections).toBe(1);

  await runCurl(page, openDemo, relay, `-sS -L --max-redirs 1 ${base}/redirect/3`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 47');
  expect(await programOutput(page)).toBe('curl: (47) Maximum (1) redirects followed\n');
});

test('curl posts data with extra headers and a custom agent', async ({ page, openDemo, relay, curlServer }) => {
  await runCurl(page, openDemo, relay, `-sS -d a=1 -d b=2 -H X-Test:yes -A sockbridge/1 http://127.0.0.1:${curlServer.port}/echo`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  const output = await programOutput(page);
  expect(output).toContain('POST /echo');
  expect(output).toContain('user-agent: sockbridge/1');
  expect(output).toContain('content-type: application/x-www-form-urlencoded');
  expect(output).toContain('x-test: yes');
  expect(output).toContain('body: a=1&b=2');
});

test('curl receives a 16 MiB body intact (SHA-256)', async ({ page, openDemo, relay, curlServer, blocking }) => {
  test.setTimeout(180_000);
  await openDemo(relay.url, { demo: 'curl' });
  // The page's terminal is not made for 16 MiB, so the page runs the guest
  // through the same embed API the terminal uses and hashes what it wrote.
  const result = await page.evaluate(
    async ({ url, relayUrl, blocking }) => {
      const { run } = await import('./shim-js/src/embed.js');
      const chunks = [];
      let stderr = '';
      const code = await run({
        guest: 'guests/curl.wasm',
        programName: 'curl',
        args: ['-sS', '-w', '%{size_download}', '-o', '-', url],
        relay: relayUrl,
        blocking,
        stdout: (bytes) => chunks.push(bytes.slice()),
        stderr: (bytes) => (stderr += new TextDecoder().decode(bytes)),
      });
      const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      const all = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.length;
      }
      const trailer = new TextDecoder().decode(all.subarray(all.length - 8));
      const body = all.subarray(0, all.length - trailer.length);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
      return { code, stderr, trailer, sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
    },
    { url: `http://127.0.0.1:${curlServer.port}/big`, relayUrl: `ws://127.0.0.1:${relay.port}/wisp/`, blocking },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.trailer).toBe(String(BIG_BODY_BYTES));
  expect(result.sha256).toBe(sha256(bigBody()));
});

test('curl waits for a slow response, and -m gives up on a stalled one with a timeout', async ({ page, openDemo, relay, curlServer }) => {
  const url = `http://127.0.0.1:${curlServer.port}/slow`;
  await runCurl(page, openDemo, relay, `-sS -w %{time_total} ${url}`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
  const output = /** @type {string} */ (await programOutput(page));
  const [, body, seconds] = /** @type {RegExpMatchArray} */ (output.match(/^([^]*\n)(\d+\.\d{6})$/));
  expect(body).toBe('slow piece 1\nslow piece 2\nslow piece 3\n');
  // The pieces come SLOW_PIECE_MS apart: time_total covers the whole wait.
  expect(Number(seconds)).toBeGreaterThanOrEqual((2 * SLOW_PIECE_MS) / 1000 - 0.05);

  await runCurl(page, openDemo, relay, `-sS -m 5 http://127.0.0.1:${curlServer.port}/stall`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 28');
  expect(await programOutput(page)).toMatch(
    /^stalled after this\ncurl: \(28\) Operation timed out after \d+ milliseconds with 19 bytes received\n$/,
  );
});

test("curl reports HTTP errors with -f, a refused port, an unknown host and an unknown scheme with curl's errors", async ({
  page,
  openDemo,
  relay,
  curlServer,
}) => {
  await runCurl(page, openDemo, relay, `-sS -f http://127.0.0.1:${curlServer.port}/missing`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 22');
  expect(await programOutput(page)).toBe('curl: (22) The requested URL returned error: 404\n');

  const port = await closedPort();
  await runCurl(page, openDemo, relay, `-sS http://127.0.0.1:${port}/`);
  await expect(page.locator('#exit-code')).toHaveText('exit code 7');
  expect(await programOutput(page)).toMatch(
    new RegExp(`^curl: \\(7\\) Failed to connect to 127\\.0\\.0\\.1 port ${port} after \\d+ ms: Couldn't connect to server\\n$`),
  );

  await runCurl(page, openDemo, relay, '-sS http://no-such-host.invalid/');
  await expect(page.locator('#exit-code')).toHaveText('exit code 6');
  expect(await programOutput(page)).toBe('curl: (6) Could not resolve host: no-such-host.invalid\n');

  await runCurl(page, openDemo, relay, '-sS foo://127.0.0.1/');
  await expect(page.locator('#exit-code')).toHaveText('exit code 1');
  expect(await programOutput(page)).toBe('curl: (1) Protocol "foo" not supported or disabled in libcurl\n');
});

test('curl reaches a server by an IPv6 literal URL', async ({ page, openDemo, relay }) => {
  const server = await startCurlTestServer('::1');
  try {
    await runCurl(page, openDemo, relay, `-sS -i -w %{url_effective} http://[::1]:${server.port}/hello`);
    await expect(page.locator('#exit-code')).toHaveText('exit code 0');
    expect(await programOutput(page)).toContain('X-Served-By: curl-test');
    expect(await programOutput(page)).toContain(`hello from a real TCP server\nhttp://[::1]:${server.port}/hello`);
    expect(server.stats.requests).toBe(1);
  } finally {
    await server.close();
  }
});

test("curl in the page prints what Debian's native curl prints", async ({ page, openDemo, relay, curlServer }) => {
  const base = `http://127.0.0.1:${curlServer.port}`;
  for (const args of [`-sS -i ${base}/chunked`, `-sS -L -i ${base}/redirect/2`, `-sS -f ${base}/missing`]) {
    const native = await runNative('/usr/bin/curl', args.split(' '));
    await runCurl(page, openDemo, relay, args);
    await expect(page.locator('#exit-code')).toHaveText(`exit code ${native.status}`);
    expect(await programOutput(page), args).toBe(native.stdout + native.stderr);
  }
});

test('<sockbridge-run> gives curl the Mozilla roots with ca-bundle, and other files through its files property', async ({
  page,
  relay,
  blocking,
}) => {
  await page.goto(`${relay.url}/embed-example.html`);
  // curl's file:// reads what the guest was given: the bundle's first line, and a file of the page's own.
  await page.evaluate((mode) => {
    const add = (/** @type {string} */ id, /** @type {string} */ args) => {
      const element = /** @type {any} */ (document.createElement('sockbridge-run'));
      element.id = id;
      element.setAttribute('src', 'guests/curl.wasm');
      element.setAttribute('args', args);
      element.setAttribute('blocking', mode);
      document.body.append(element);
      return element;
    };
    add('with-roots', '-sS -r 0-26 file:///etc/ssl/certs/ca-certificates.crt').setAttribute('ca-bundle', '');
    add('with-files', '-sS file:///data/note.txt').files = { '/data/note.txt': 'a note from the page\n' };
  }, blocking);
  await page.locator('#with-roots').getByRole('button', { name: /^Run/ }).click();
  await expect(page.locator('#with-roots .sbr-status')).toHaveText('exit code 0');
  await expect(page.locator('#with-roots')).toContainText('-----BEGIN CERTIFICATE-----');
  await page.locator('#with-files').getByRole('button', { name: /^Run/ }).click();
  await expect(page.locator('#with-files .sbr-status')).toHaveText('exit code 0');
  await expect(page.locator('#with-files')).toContainText('a note from the page');
});
