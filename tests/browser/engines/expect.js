// Playwright's expect, extended to the locators of engines/remote_page.js: the
// same web-first matchers, retried until they hold or the expect timeout
// (playwright.config.js) runs out. Anything else goes to Playwright's expect.
import { expect as playwrightExpect } from '@playwright/test';

import { poll, RemoteLocator } from './remote_page.js';

/** Whitespace-normalized as Playwright compares texts. @param {string} text */
const normalize = (text) => text.replace(/[\s\u200b]+/g, ' ').trim();

/**
 * @param {string} actual @param {string | RegExp} expected @param {boolean} contain
 * @param {{ ignoreCase?: boolean }} options
 */
function textMatches(actual, expected, contain, { ignoreCase = false }) {
  if (expected instanceof RegExp) return new RegExp(expected.source, ignoreCase ? `${expected.flags.replace('i', '')}i` : expected.flags).test(normalize(actual));
  const fold = (/** @type {string} */ text) => (ignoreCase ? normalize(text).toLowerCase() : normalize(text));
  return contain ? fold(actual).includes(fold(expected)) : fold(actual) === fold(expected);
}

/**
 * Each matcher: what it reads of the element (in_page.js 'state') and whether
 * that passes; `missing` says whether no element at all passes it.
 * @type {Record<string, (expected: any, options: any) => { check: (state: any) => boolean, received: (state: any) => unknown, missing?: boolean }>}
 */
const matchers = {
  toHaveText: (expected, options) => ({ check: (s) => textMatches(s.text, expected, false, options), received: (s) => s.text }),
  toContainText: (expected, options) => ({ check: (s) => textMatches(s.text, expected, true, options), received: (s) => s.text }),
  toHaveValue: (expected) => ({
    check: (s) => s.value !== null && (expected instanceof RegExp ? expected.test(s.value) : s.value === expected),
    received: (s) => s.value,
  }),
  toHaveClass: (expected) => ({
    check: (s) => (expected instanceof RegExp ? expected.test(s.className) : s.className === expected),
    received: (s) => s.className,
  }),
  toBeVisible: () => ({ check: (s) => s.visible, received: (s) => (s.visible ? 'visible' : 'hidden'), missing: false }),
  toBeHidden: () => ({ check: (s) => !s.visible, received: (s) => (s.visible ? 'visible' : 'hidden'), missing: true }),
  toBeFocused: () => ({ check: (s) => s.focused, received: (s) => (s.focused ? 'focused' : 'not focused') }),
  toBeEnabled: () => ({ check: (s) => s.enabled, received: (s) => (s.enabled ? 'enabled' : 'disabled') }),
  toBeDisabled: () => ({ check: (s) => !s.enabled, received: (s) => (s.enabled ? 'enabled' : 'disabled') }),
  toBeInViewport: () => ({ check: (s) => s.inViewport, received: (s) => (s.inViewport ? 'in viewport' : 'outside the viewport') }),
};

/**
 * @param {RemoteLocator} locator @param {boolean} negated @param {string | undefined} message
 */
function locatorMatchers(locator, negated, message) {
  /** @type {Record<string, any>} */
  const result = {};
  for (const [name, make] of Object.entries(matchers)) {
    result[name] = async (/** @type {any} */ expected, /** @type {{ timeout?: number, ignoreCase?: boolean }} */ options = {}) => {
      // toBeVisible() and the like take only options.
      if (expected !== null && typeof expected === 'object' && !(expected instanceof RegExp) && make.length === 0) [expected, options] = [undefined, expected];
      const unknown = Object.keys(options).filter((key) => key !== 'timeout' && key !== 'ignoreCase');
      if (unknown.length) throw new Error(`expect(${locator}).${name}: option ${unknown.join(', ')} is not implemented for this engine (engines/expect.js)`);
      const { check, received, missing } = make(expected, options);
      let last = /** @type {any} */ ({ count: 0 });
      const timeout = options.timeout ?? EXPECT_TIMEOUT_MS;
      try {
        await poll(
          async () => {
            last = await locator.query('state');
            if (last.strictViolation) {
              throw new Error(`strict mode violation: ${locator} resolved to ${last.strictViolation} elements, the first: ${last.first}`);
            }
            const pass = last.count === 0 ? (missing === undefined ? undefined : missing !== negated) : check(last) !== negated;
            return pass ? true : undefined;
          },
          timeout,
          () => '',
        );
      } catch (error) {
        if (/** @type {Error} */ (error).message) throw error;
        const shown = last.count === 0 ? '<element not found>' : JSON.stringify(received(last));
        throw new Error(
          `${message ? `${message}\n\n` : ''}expect(${locator}).${negated ? 'not.' : ''}${name}(${expected === undefined ? '' : String(expected instanceof RegExp ? expected : JSON.stringify(expected))}) failed after ${timeout} ms\n` +
            `Received: ${shown}`,
        );
      }
    };
  }
  result.toHaveCount = async (/** @type {number} */ expected, /** @type {{ timeout?: number }} */ options = {}) => {
    let count = -1;
    const timeout = options.timeout ?? EXPECT_TIMEOUT_MS;
    await poll(
      async () => {
        count = await locator.query('count');
        return (count === expected) !== negated ? true : undefined;
      },
      timeout,
      () => `expect(${locator}).${negated ? 'not.' : ''}toHaveCount(${expected}) failed after ${timeout} ms\nReceived: ${count}`,
    );
  };
  return result;
}

/** How long a web-first matcher retries, for every engine (playwright.config.js gives it to Playwright's). */
export const EXPECT_TIMEOUT_MS = 15_000;

/**
 * expect(value) as Playwright's, with its web-first matchers also for the
 * locators of the Firefox and WebKit engines.
 * @param {any} actual @param {string} [message]
 * @returns {any}
 */
export function expect(actual, message) {
  if (!(actual instanceof RemoteLocator)) return playwrightExpect(actual, message);
  const positive = locatorMatchers(actual, false, message);
  positive.not = locatorMatchers(actual, true, message);
  return positive;
}
expect.poll = playwrightExpect.poll.bind(playwrightExpect);
expect.soft = playwrightExpect.soft.bind(playwrightExpect);
expect.configure = playwrightExpect.configure.bind(playwrightExpect);
expect.extend = playwrightExpect.extend.bind(playwrightExpect);
