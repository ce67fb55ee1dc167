// The part of Playwright's Page, Locator and Keyboard API the specs use, for
// engines Playwright cannot drive here (Firefox ESR over WebDriver BiDi,
// WebKitGTK over classic WebDriver). Locators are data (in_page.js resolves
// them in the page); clicks and keys go through the engine's native input, so
// the page sees trusted events as with Playwright.
import fs from 'node:fs/promises';
import path from 'node:path';

import { inPage } from './in_page.js';

/**
 * What an engine gives for one page (engines/firefox.js, engines/webkit.js).
 * @typedef {{
 *   evaluate(fn: Function | string, arg?: any): Promise<any>,
 *   click(chain: import('./in_page.js').Step[]): Promise<void>,
 *   clickAt(x: number, y: number): Promise<void>,
 *   keys(events: { type: 'down' | 'up', key: string }[]): Promise<void>,
 *   typeText(text: string): Promise<void>,
 *   goto(url: string): Promise<void>,
 *   url(): Promise<string>,
 *   setViewportSize(size: { width: number, height: number }): Promise<void>,
 *   on(event: string, handler: (...args: any[]) => void): void,
 *   close(): Promise<void>,
 * }} Driver
 */

/** How long an action waits for its element to be there, visible and enabled (Playwright waits up to the test's end). */
const ACTION_TIMEOUT_MS = 30_000;
const POLL_INTERVALS_MS = [0, 20, 50, 100, 100, 250];
const POLL_INTERVAL_MAX_MS = 500;

/**
 * Calls `attempt` until it returns something other than undefined, or the time is up.
 * @template T
 * @param {() => Promise<T | undefined>} attempt
 * @param {number} timeoutMs
 * @param {() => string} describeFailure
 * @returns {Promise<T>}
 */
export async function poll(attempt, timeoutMs, describeFailure) {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() >= deadline) throw new Error(describeFailure());
    const wait = POLL_INTERVALS_MS[round] ?? POLL_INTERVAL_MAX_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, Math.max(0, deadline - Date.now()))));
  }
}

/** @param {string | RegExp} text @param {boolean} [exact] @returns {import('./in_page.js').TextMatch} */
export function textMatch(text, exact) {
  return text instanceof RegExp ? { regex: text.source, flags: text.flags } : { string: String(text), exact: Boolean(exact) };
}

/** @param {import('./in_page.js').Step[]} chain */
function describe(chain) {
  return chain
    .map((step) => {
      if (step.kind === 'css') return `locator(${JSON.stringify(step.selector)})`;
      if (step.kind === 'role') return `getByRole(${JSON.stringify(step.role)}${step.name ? `, { name: ${JSON.stringify(step.name)} }` : ''})`;
      if (step.kind === 'nth') return `nth(${step.index})`;
      return `${step.kind}(${JSON.stringify(step.text)})`;
    })
    .join('.');
}

export class RemoteLocator {
  /** @param {RemotePage} page @param {import('./in_page.js').Step[]} chain */
  constructor(page, chain) {
    this.page = page;
    this.chain = chain;
  }

  toString() {
    return describe(this.chain);
  }

  /** @param {import('./in_page.js').Step} step */
  #with(step) {
    return new RemoteLocator(this.page, [...this.chain, step]);
  }

  /** @param {string} selector @param {{ hasText?: string | RegExp }} [options] */
  locator(selector, options = {}) {
    const located = this.#with({ kind: 'css', selector });
    return options.hasText === undefined ? located : located.filter({ hasText: options.hasText });
  }

  /** @param {{ hasText?: string | RegExp }} options */
  filter(options) {
    if (options.hasText === undefined) throw new Error(`filter(${JSON.stringify(options)}): only hasText is implemented for this engine`);
    return this.#with({ kind: 'hasText', text: textMatch(options.hasText) });
  }

  /** @param {string} role @param {{ name?: string | RegExp, exact?: boolean }} [options] */
  getByRole(role, options = {}) {
    const extra = Object.keys(options).filter((key) => key !== 'name' && key !== 'exact');
    if (extra.length) throw new Error(`getByRole options ${extra.join(', ')} are not implemented for this engine`);
    return this.#with({ kind: 'role', role, name: options.name === undefined ? undefined : textMatch(options.name, options.exact) });
  }

  /** @param {string | RegExp} text @param {{ exact?: boolean }} [options] */
  getByLabel(text, options = {}) {
    return this.#with({ kind: 'label', text: textMatch(text, options.exact) });
  }

  /** @param {string | RegExp} text @param {{ exact?: boolean }} [options] */
  getByText(text, options = {}) {
    return this.#with({ kind: 'text', text: textMatch(text, options.exact) });
  }

  /** @param {number} index */
  nth(index) {
    return this.#with({ kind: 'nth', index });
  }

  first() {
    return this.nth(0);
  }

  last() {
    return this.nth(-1);
  }

  /** @param {string} op @param {any} [arg] */
  query(op, arg) {
    return this.page.driver.evaluate(inPage, { op, chain: this.chain, arg });
  }

  /**
   * Waits until exactly one element matches (and, for input, is visible and
   * enabled), then runs op on it; a second match is an error, as in Playwright.
   * @param {string} what @param {{ forInput?: boolean }} options
   */
  async #ready(what, { forInput = false } = {}) {
    let last = /** @type {any} */ (null);
    let previousBox = '';
    await poll(
      async () => {
        last = await this.query('state');
        if (last.strictViolation) throw new Error(`${what}: strict mode violation: ${this} resolved to ${last.strictViolation} elements, the first: ${last.first}`);
        if (last.count !== 1) return undefined;
        if (!forInput) return true;
        // Visible, enabled, not moving since the last look and not covered, as Playwright waits before input.
        const stable = last.box === previousBox;
        previousBox = last.box;
        return last.visible && last.enabled && stable && (last.hit || !last.inViewport) ? true : undefined;
      },
      ACTION_TIMEOUT_MS,
      () => `${what}: timed out waiting for ${this}${last?.count ? ` to be visible, enabled, still and not covered (visible ${last.visible}, enabled ${last.enabled}, receives the click ${last.hit})` : ' to match an element'}`,
    );
  }

  /** @param {string} op @param {any} arg */
  async #act(op, arg) {
    await this.#ready(`${this}.${op}`);
    const result = await this.query(op, arg);
    if (result?.error) throw new Error(`${this}.${op}: ${result.error}`);
    return result;
  }

  async click() {
    await this.#ready(`${this}.click`, { forInput: true });
    await this.page.driver.click(this.chain);
  }

  async focus() {
    await this.#act('focus');
  }

  /** @param {string} text */
  async fill(text) {
    await this.#ready(`${this}.fill`, { forInput: true });
    await this.#act('fill', { text });
  }

  /** @param {string} key */
  async press(key) {
    await this.focus();
    await this.page.keyboard.press(key);
  }

  /** @param {string} value */
  async selectOption(value) {
    await this.#ready(`${this}.selectOption`, { forInput: true });
    return (await this.#act('selectOption', { value })).value;
  }

  /** @param {string | { name: string, mimeType: string, buffer: Buffer }} file */
  async setInputFiles(file) {
    const given = typeof file === 'string'
      ? { name: path.basename(file), mimeType: file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream', buffer: await fs.readFile(file) }
      : file;
    await this.#act('setInputFiles', { files: [{ name: given.name, mimeType: given.mimeType, base64: given.buffer.toString('base64') }] });
  }

  async textContent() {
    await this.#ready(`${this}.textContent`);
    return (await this.query('state')).textContent;
  }

  /** @param {string} name */
  async getAttribute(name) {
    await this.#ready(`${this}.getAttribute`);
    return (await this.query('state', { attribute: name })).attribute;
  }

  async count() {
    return this.query('count');
  }
}

/** Playwright key names to the engine's: ControlOrMeta is Control on Linux; a letter under a modifier is sent lower case. */
function keyEvents(/** @type {string} */ combo) {
  const parts = combo === '+' ? ['+'] : combo.split('+');
  const modifiers = parts.slice(0, -1).map((key) => (key === 'ControlOrMeta' ? 'Control' : key));
  let key = /** @type {string} */ (parts.at(-1));
  if (modifiers.length && key.length === 1) key = key.toLowerCase();
  return [
    ...modifiers.map((k) => ({ type: /** @type {const} */ ('down'), key: k })),
    { type: /** @type {const} */ ('down'), key },
    { type: /** @type {const} */ ('up'), key },
    ...modifiers.reverse().map((k) => ({ type: /** @type {const} */ ('up'), key: k })),
  ];
}

export class RemotePage {
  /** @param {Driver} driver */
  constructor(driver) {
    this.driver = driver;
    this.keyboard = {
      /** @param {string} combo */
      press: (combo) => driver.keys(keyEvents(combo)),
      /** @param {string} text */
      type: (text) => driver.typeText(text),
    };
  }

  /** @param {string} url */
  goto(url) {
    return this.driver.goto(url);
  }

  /** Unlike Playwright's, a promise: classic WebDriver asks the browser. Specs write `await page.url()`. */
  url() {
    return this.driver.url();
  }

  /** @param {Function} fn @param {any} [arg] */
  evaluate(fn, arg) {
    return this.driver.evaluate(fn, arg);
  }

  /** @param {{ width: number, height: number }} size */
  setViewportSize(size) {
    return this.driver.setViewportSize(size);
  }

  /** @param {string} event @param {(...args: any[]) => void} handler */
  on(event, handler) {
    this.driver.on(event, handler);
    return this;
  }

  /** @param {string} selector @param {{ hasText?: string | RegExp }} [options] */
  locator(selector, options) {
    return new RemoteLocator(this, []).locator(selector, options);
  }

  /** @param {string} role @param {{ name?: string | RegExp, exact?: boolean }} [options] */
  getByRole(role, options) {
    return new RemoteLocator(this, []).getByRole(role, options);
  }

  /** @param {string | RegExp} text @param {{ exact?: boolean }} [options] */
  getByLabel(text, options) {
    return new RemoteLocator(this, []).getByLabel(text, options);
  }

  /** @param {string | RegExp} text @param {{ exact?: boolean }} [options] */
  getByText(text, options) {
    return new RemoteLocator(this, []).getByText(text, options);
  }

  close() {
    return this.driver.close();
  }
}
