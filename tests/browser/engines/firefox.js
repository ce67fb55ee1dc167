// Firefox ESR (Debian's firefox-esr, JSPI on by default) driven by
// puppeteer-core over WebDriver BiDi, straight to Firefox (no geckodriver).
// One browser per Playwright worker, with its profile in a temp dir; one
// browser context per test, so tests share no state.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

import { inPage } from './in_page.js';

export const firefoxBinary = process.env.SOCKBRIDGE_FIREFOX ?? '/usr/bin/firefox-esr';

/** The page events this engine reports, as Playwright names them. */
const PAGE_EVENTS = new Set(['pageerror', 'request', 'console']);

/** @param {{ viewport: { width: number, height: number } }} options */
export async function launchFirefox({ viewport }) {
  const profile = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-firefox-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: firefoxBinary,
      protocol: 'webDriverBiDi',
      userDataDir: profile,
      headless: true,
      defaultViewport: viewport,
    });
  } catch (error) {
    await fs.rm(profile, { recursive: true, force: true });
    throw error;
  }
  const launched = browser;
  return {
    /** @returns {Promise<import('./remote_page.js').Driver>} */
    async newPage() {
      const context = await launched.createBrowserContext();
      const page = await context.newPage();
      return {
        evaluate: (fn, arg) => page.evaluate(/** @type {any} */ (fn), arg),
        async click(chain) {
          const handle = await page.evaluateHandle(inPage, { op: 'element', chain });
          const element = handle.asElement();
          if (!element) throw new Error(`click: the element is gone (${JSON.stringify(await handle.jsonValue())})`);
          try {
            await element.click();
          } finally {
            await handle.dispose();
          }
        },
        clickAt: (x, y) => page.mouse.click(x, y),
        async keys(events) {
          for (const { type, key } of events) {
            if (type === 'down') await page.keyboard.down(/** @type {any} */ (key));
            else await page.keyboard.up(/** @type {any} */ (key));
          }
        },
        typeText: (text) => page.keyboard.type(text),
        goto: async (url) => {
          await page.goto(url);
        },
        url: async () => page.url(),
        setViewportSize: (size) => page.setViewport(size),
        on(event, handler) {
          if (!PAGE_EVENTS.has(event)) throw new Error(`page.on('${event}') is not implemented for Firefox`);
          page.on(/** @type {any} */ (event), handler);
        },
        close: () => context.close(),
      };
    },
    async close() {
      try {
        await launched.close();
      } finally {
        await fs.rm(profile, { recursive: true, force: true });
      }
    },
  };
}
