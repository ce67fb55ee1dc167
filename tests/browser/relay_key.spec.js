// Key login (Wisp extension 0x03) from a page: run({ relayKey }) against the
// real relay started with --authorized-keys. The host kernel reads the relay's
// challenge, shim-js signs it with the engine's WebCrypto Ed25519 (in the
// guest's Worker, or on the page's thread), the relay checks the signature
// with OpenSSL, and the guest fetches a page from a real TCP server through
// it. The key is generated here with node:crypto; the relay lists its public half.
import crypto from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, startRelay, test } from './fixtures.js';

/**
 * An Ed25519 key pair whose 32-byte secret does, or does not, begin with a zero
 * byte: WebKitGTK's WebCrypto cannot import the first kind (one key in 256).
 * @param {boolean} zeroFirst
 */
function keyPair(zeroFirst) {
  for (;;) {
    const pair = crypto.generateKeyPairSync('ed25519');
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    if ((der[16] === 0) === zeroFirst) return pair;
  }
}
const { privateKey, publicKey } = keyPair(false);
const privatePem = /** @type {string} */ (privateKey.export({ format: 'pem', type: 'pkcs8' }));
const zeroFirst = keyPair(true);
const zeroFirstPem = /** @type {string} */ (zeroFirst.privateKey.export({ format: 'pem', type: 'pkcs8' }));

/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;
let dir = '';

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-browser-keys-'));
  const keys = path.join(dir, 'authorized_keys');
  writeFileSync(
    keys,
    [publicKey, zeroFirst.publicKey].map((key) => key.export({ format: 'pem', type: 'spki' })).join(''),
  );
  relay = await startRelay(['--dev', '--authorized-keys', keys]);
});
test.afterAll(() => {
  relay?.process.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs http_client in the page with a relay key made there from `key`:
 * 'pem' passes the PKCS#8 text, 'cryptokey' an extractable CryptoKey imported
 * from it, 'stranger' a fresh non-extractable CryptoKeyPair the relay does not list.
 * @param {import('@playwright/test').Page} page
 * @param {{ key: 'pem' | 'cryptokey' | 'stranger', thread: 'worker' | 'main', blocking: string, port: number, pem?: string }} options  pem: the PKCS#8 text for 'pem'
 */
function fetchWithKey(page, { key, thread, blocking, port, pem = privatePem }) {
  return page.evaluate(
    async ({ key, thread, blocking, port, relayUrl, pem }) => {
      const { run } = await import('/shim-js/src/embed.js');
      const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
      const relayKey =
        key === 'pem'
          ? pem
          : key === 'cryptokey'
            ? await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign'])
            : /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']));
      const decoder = new TextDecoder();
      const result = { code: /** @type {number | null} */ (null), error: '', output: '', status: /** @type {string[]} */ ([]) };
      try {
        result.code = await run({
          guest: '/guests/http_client.wasm',
          programName: 'http_client',
          args: ['127.0.0.1', String(port), '/hello'],
          relay: relayUrl,
          relayKey,
          thread: /** @type {'worker' | 'main'} */ (thread),
          blocking: /** @type {'jspi' | 'asyncify'} */ (blocking),
          stdout: (bytes) => (result.output += decoder.decode(bytes, { stream: true })),
          stderr: (bytes) => (result.output += decoder.decode(bytes, { stream: true })),
          onStatus: (message) => result.status.push(message),
        });
      } catch (error) {
        result.error = String(error);
      }
      return result;
    },
    { key, thread, blocking, port, relayUrl: `ws://127.0.0.1:${relay.port}/wisp/`, pem },
  );
}

test('a listed key given as PKCS#8 text logs the guest in from its Web Worker', async ({ page, httpServer, blocking }) => {
  await page.goto(`${relay.url}/embed-example.html`);
  const result = await fetchWithKey(page, { key: 'pem', thread: 'worker', blocking, port: httpServer.port });
  expect(result.error).toBe('');
  expect(result.output).toMatch(/hello from a real TCP server\n$/);
  expect(result.code).toBe(0);
  expect(relay.log.some((line) => line.includes('"session_login"') && line.includes('"key:'))).toBe(true);
});

test('a listed key given as a CryptoKey logs in from the page thread too', async ({ page, httpServer, blocking }) => {
  await page.goto(`${relay.url}/embed-example.html`);
  const result = await fetchWithKey(page, { key: 'cryptokey', thread: 'main', blocking, port: httpServer.port });
  expect(result.error).toBe('');
  expect(result.output).toMatch(/hello from a real TCP server\n$/);
  expect(result.code).toBe(0);
});

test('a key the relay does not list is refused: the connect fails and the status says 0xc1 in words', async ({
  page,
  httpServer,
  blocking,
}) => {
  await page.goto(`${relay.url}/embed-example.html`);
  const result = await fetchWithKey(page, { key: 'stranger', thread: 'worker', blocking, port: httpServer.port });
  expect(result.error).toBe('');
  expect(result.code).toBe(1);
  expect(result.output).toContain('Permission denied');
  expect(result.status).toContain('relay closed the session: authentication failed: bad signature');
  expect(result.status.join('\n')).toMatch(/refused the key login \(close reason 0xc1 .*--authorized-keys/);
});

test('a listed key whose secret begins with a zero byte logs in; WebKitGTK, which cannot import it, says so', async ({
  page,
  httpServer,
  blocking,
  engine,
}) => {
  await page.goto(`${relay.url}/embed-example.html`);
  const result = await fetchWithKey(page, { key: 'pem', thread: 'worker', blocking, port: httpServer.port, pem: zeroFirstPem });
  if (engine === 'webkit') {
    expect(result.error).toMatch(/relayKey: this browser's WebCrypto cannot import this Ed25519 key: its secret begins with a zero byte/);
    return;
  }
  expect(result.error).toBe('');
  expect(result.output).toMatch(/hello from a real TCP server\n$/);
  expect(result.code).toBe(0);
});
