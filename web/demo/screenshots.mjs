// Regenerates the screenshots in docs/ (shown in README.md) from the built
// site: the real relay, Chromium, real TCP clients on 127.0.0.1.
//   node web/demo/screenshots.mjs        (needs ./scripts/build first)
import { chromium } from '@playwright/test';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { closedPort, startRelay } from '../../tests/browser/fixtures.js';

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs');
const desktop = { width: 1200, height: 900 };
const phone = { width: 390, height: 844 };

const relay = await startRelay(['--dev']);
const browser = await chromium.launch({ executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });

/** @param {{ width: number, height: number }} viewport @param {string} query */
async function open(viewport, query = '') {
  const page = await browser.newPage({ viewport });
  await page.goto(`${relay.url}/${query}`);
  await page.locator('#relay-state').getByText('reachable').waitFor();
  return page;
}

/** @param {import('@playwright/test').Page} page */
async function runHealthz(page) {
  await page.getByRole('button', { name: 'Run' }).click();
  await page.locator('#exit-code').getByText('exit code 0').waitFor();
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
}

try {
  let page = await open(desktop);
  await page.screenshot({ path: path.join(docs, 'demo-idle.png') });
  await runHealthz(page);
  await page.screenshot({ path: path.join(docs, 'demo-page.png') });
  await page.close();

  const port = await closedPort();
  page = await open(desktop, `?demo=echo_server&args=${port}%203`);
  await page.getByRole('button', { name: 'Run' }).click();
  await page.locator('#output').getByText('listening on').waitFor();
  const clients = [];
  for (const text of ['hello from client one\n', 'and from client two\n']) {
    const client = net.connect(port, '127.0.0.1', () => client.write(text));
    await new Promise((resolve) => client.once('data', resolve));
    clients.push(client);
  }
  await page.locator('#sockets tbody tr', { hasText: 'connected' }).nth(1).waitFor();
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  await page.screenshot({ path: path.join(docs, 'echo-server.png') });
  for (const client of clients) client.destroy();
  await page.close();

  page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
  await page.goto(`${relay.url}/embed-example.html`);
  const echoPort = await closedPort();
  await page.locator('#echo-example').evaluate((element, args) => element.setAttribute('args', args), `${echoPort} 2`);
  await page.locator('#echo-example').getByRole('button', { name: /^Run/ }).click();
  await page.locator('#echo-example').getByText('listening on').waitFor();
  const visitor = net.connect(echoPort, '127.0.0.1', () => visitor.write('hi from nc\n'));
  await new Promise((resolve) => visitor.once('data', resolve));
  await page.locator('#http-example').getByRole('button', { name: /^Run/ }).click();
  await page.locator('#http-example .sbr-status').getByText('exit code 0').waitFor();
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  await page.screenshot({ path: path.join(docs, 'embed-example.png') });
  visitor.destroy();
  await page.close();

  page = await open(phone);
  await runHealthz(page);
  await page.screenshot({ path: path.join(docs, 'demo-phone.png'), fullPage: true });
  await page.close();
} finally {
  await browser.close();
  relay.process.kill('SIGTERM');
}
