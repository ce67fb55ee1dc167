// Test fixtures: the browser engine of the project (Chromium through
// Playwright, Firefox ESR and WebKitGTK through engines/), the real relay
// binary serving the built site, and real HTTP servers on 127.0.0.1. Each
// fixture stops what it started, by its handle.
import { test as base, chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { expect } from './engines/expect.js';
import { launchFirefox } from './engines/firefox.js';
import { RemotePage } from './engines/remote_page.js';
import { launchWebKit } from './engines/webkit.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = process.env.SOCKBRIDGE_BUILD_DIR ?? path.join(root, 'build');
export const relayBinary = path.join(buildDir, 'relay', 'sockbridge-relay');
export const siteDir = path.join(buildDir, 'site');

/**
 * Starts sockbridge-relay (by default on an ephemeral port of 127.0.0.1) and
 * resolves once it logs that it is listening.
 * @param {string[]} extraArgs
 * @param {string} webRoot  the site it serves
 * @param {string} listen   address:port to listen on
 * @returns {Promise<{ url: string, port: number, process: import('node:child_process').ChildProcess, log: string[] }>}
 */
export function startRelay(extraArgs = ['--dev'], webRoot = siteDir, listen = '127.0.0.1:0') {
  const child = spawn(relayBinary, ['--listen', listen, '--web-root', webRoot, ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  /** @type {string[]} */
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${log.join('\n')}`)), 10_000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`relay exited with ${code}:\n${log.join('\n')}`)));
    readline.createInterface({ input: /** @type {any} */ (child.stderr) }).on('line', (line) => {
      log.push(line);
      try {
        const entry = JSON.parse(line);
        if (entry.event !== 'listening') return;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${entry.port}`, port: entry.port, process: child, log });
      } catch {
        // not a JSON line: kept in the log for failure messages
      }
    });
  });
}

/**
 * An HTTP/1.1 server on 127.0.0.1 with a few fixed routes.
 * @returns {Promise<{ port: number, server: http.Server }>}
 */
export function startHttpServer() {
  const server = http.createServer((request, response) => {
    if (request.url === '/hello') {
      const body = 'hello from a real TCP server\n';
      response.writeHead(200, {
        'Content-Type': 'text/plain',
        'Content-Length': Buffer.byteLength(body),
        'X-Served-By': 'sockbridge-test',
      });
      response.end(body);
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end('not found\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: /** @type {any} */ (server.address()).port, server })));
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export function closedPort() {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/**
 * What runGuest reports: the exit code (or the error that ended the run), the
 * guest's output, the status lines shim-js gave, and when the run ended
 * (Date.now() in the page, comparable with the test's clock).
 * @typedef {{ code: number | null, error: string | null, stdout: string, stderr: string, status: string[], endedAt: number }} GuestRun
 */

/**
 * Runs a guest of the staged site in the page through the embed API.
 * @param {import('@playwright/test').Page} page  a page of the relay's origin
 * @param {{ guest: string, args: string[], relay: string, blocking: string, files?: Record<string, string> }} options
 *   files: run()'s read-only files for the guest, as text
 * @returns {Promise<GuestRun>}
 */
export function runGuest(page, options) {
  return page.evaluate(async ({ guest, args, relay, blocking, files }) => {
    const { run } = await import('/shim-js/src/embed.js');
    const decoder = new TextDecoder();
    const result = { code: /** @type {number | null} */ (null), error: /** @type {string | null} */ (null),
      stdout: '', stderr: '', status: /** @type {string[]} */ ([]), endedAt: 0 };
    try {
      result.code = await run({
        guest: `/guests/${guest}.wasm`, programName: guest, args, relay,
        blocking: /** @type {'jspi' | 'asyncify'} */ (blocking),
        files,
        stdout: (bytes) => (result.stdout += decoder.decode(bytes, { stream: true })),
        stderr: (bytes) => (result.stderr += decoder.decode(bytes, { stream: true })),
        onStatus: (message) => result.status.push(message),
      });
    } catch (error) {
      result.error = String(error);
    }
    result.endedAt = Date.now();
    return result;
  }, options);
}

/** Playwright's default viewport, for every engine. */
const VIEWPORT = { width: 1280, height: 720 };

/**
 * One browser per worker, closed when the worker ends: Chromium launched by
 * Playwright, or an engine of engines/ (its pages are RemotePage).
 * @param {'chromium' | 'firefox' | 'webkit'} engine @param {import('@playwright/test').LaunchOptions} launchOptions
 */
async function launchEngine(engine, launchOptions) {
  if (engine === 'chromium') {
    const browser = await chromium.launch(launchOptions);
    return {
      async newPage() {
        const context = await browser.newContext({ viewport: VIEWPORT });
        const page = await context.newPage();
        return { page, close: () => context.close() };
      },
      close: () => browser.close(),
    };
  }
  if (engine !== 'firefox' && engine !== 'webkit') throw new Error(`unknown engine ${JSON.stringify(engine)}`);
  const browser = await (engine === 'firefox' ? launchFirefox : launchWebKit)({ viewport: VIEWPORT });
  return {
    async newPage() {
      const page = new RemotePage(await browser.newPage());
      return { page: /** @type {any} */ (page), close: () => page.close() };
    },
    close: () => browser.close(),
  };
}

export const test = base.extend({
  // 'chromium', 'firefox' or 'webkit': set per project in playwright.config.js.
  engine: [/** @type {'chromium' | 'firefox' | 'webkit'} */ ('chromium'), { option: true, scope: 'worker' }],
  engineBrowser: [
    async ({ engine, launchOptions }, use) => {
      const browser = await launchEngine(engine, launchOptions);
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker' },
  ],
  // A fresh page (its own context or session) per test. Uncaught errors in the
  // page go to the test's output, to explain a failure (not in WebKit: classic
  // WebDriver reports no page events).
  page: async ({ engine, engineBrowser }, use) => {
    const { page, close } = await engineBrowser.newPage();
    if (engine !== 'webkit') page.on('pageerror', (/** @type {Error} */ error) => console.error(`[page error] ${error.message}`));
    try {
      await use(page);
    } finally {
      await close();
    }
  },
  // 'jspi' or 'asyncify': set per project in playwright.config.js.
  blocking: ['jspi', { option: true }],
  // Opens the demo page with query parameters, in this project's blocking mode.
  openDemo: async ({ page, blocking }, use) => {
    await use(async (/** @type {string} */ baseUrl, /** @type {Record<string, string>} */ params = {}) => {
      const query = new URLSearchParams({ ...params, blocking });
      await page.goto(`${baseUrl}/?${query}`);
    });
  },
  relay: async ({}, use) => {
    const relay = await startRelay();
    await use(relay);
    relay.process.kill('SIGTERM');
  },
  httpServer: async ({}, use) => {
    const started = await startHttpServer();
    await use(started);
    started.server.closeAllConnections();
    await new Promise((resolve) => started.server.close(resolve));
  },
});

export { expect };
