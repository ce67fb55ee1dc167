// WebKitGTK (webkit2gtk-driver: WebKitWebDriver and MiniBrowser) driven over
// classic WebDriver (HTTP), on its own Xvfb display. WebKit has no JSPI: only
// the Asyncify path runs here. One Xvfb and one WebKitWebDriver per Playwright
// worker; one WebDriver session (one MiniBrowser) per test. Classic WebDriver
// has no page events: page.on() is not available in this engine.
import { spawn } from 'node:child_process';
import net from 'node:net';

import { inPage } from './in_page.js';

export const miniBrowser = process.env.SOCKBRIDGE_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const webDriverBinary = process.env.SOCKBRIDGE_WEBKITWEBDRIVER ?? 'WebKitWebDriver';

const START_TIMEOUT_MS = 10_000;
/** How long a WebDriver command other than a script may take (starting a MiniBrowser included). */
const COMMAND_TIMEOUT_MS = 20_000;
/** Tries at a new session: WebKitWebDriver sometimes drops the first request for one while a previous MiniBrowser exits. */
const SESSION_TRIES = 3;
/** How long one evaluate may take: a whole guest run can happen inside one (the test's own timeout ends it sooner). */
const SCRIPT_TIMEOUT_MS = 10 * 60_000;
/** The element reference key of the WebDriver spec. */
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/** Playwright key names to WebDriver's key codes; other keys are their own character. */
/** @type {Record<string, string>} */
const KEY_CODES = {
  Backspace: '\uE003', Tab: '\uE004', Enter: '\uE007', Shift: '\uE008', Control: '\uE009', Alt: '\uE00A',
  Escape: '\uE00C', End: '\uE010', Home: '\uE011', ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014',
  ArrowDown: '\uE015', Delete: '\uE017', Meta: '\uE03D', Space: ' ',
};

/** @param {string} key */
function keyCode(key) {
  if (KEY_CODES[key]) return KEY_CODES[key];
  if ([...key].length === 1) return key;
  throw new Error(`key ${JSON.stringify(key)} has no WebDriver code here: add it to KEY_CODES in engines/webkit.js`);
}

/**
 * Stops a process this module started: SIGTERM, SIGKILL after 5 s. With
 * group, its whole process group (WebKitWebDriver's: the MiniBrowsers and
 * WebKit processes it started, should a session outlive its test).
 * @param {import('node:child_process').ChildProcess} child @param {{ group?: boolean }} [options]
 */
async function stop(child, { group = false } = {}) {
  const signal = (/** @type {NodeJS.Signals} */ name) => {
    try {
      if (group && child.pid) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  if (child.exitCode !== null || child.signalCode !== null) {
    if (group) signal('SIGKILL');
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  if (group) signal('SIGKILL');
}

/** Starts Xvfb on a free display (-displayfd: the server picks it and tells us, no race between workers). */
async function startXvfb() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1920x1080x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  xvfb.stderr?.on('data', (chunk) => (errors += chunk));
  const display = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start:\n${errors}`)), START_TIMEOUT_MS);
    xvfb.on('error', reject);
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}:\n${errors}`)));
    /** @type {import('node:stream').Readable} */ (xvfb.stdio[3]).on('data', (chunk) => {
      text += chunk;
      if (!text.includes('\n')) return;
      clearTimeout(timer);
      resolve(`:${text.trim()}`);
    });
  });
  return { xvfb, display };
}

/** A port on 127.0.0.1 free a moment ago (WebKitWebDriver cannot pick its own). */
function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/**
 * One request of the WebDriver HTTP API; a WebDriver error becomes an Error naming it.
 * @param {string} base @param {'GET' | 'POST' | 'DELETE'} method @param {string} path @param {any} [body]
 */
async function command(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A script may run as long as a guest does; anything else answers at once, or the driver is stuck.
    signal: AbortSignal.timeout(path.endsWith('/execute/async') ? SCRIPT_TIMEOUT_MS : COMMAND_TIMEOUT_MS),
  });
  const { value } = await response.json();
  if (!response.ok || value?.error) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
  return value;
}

/** @param {string} base */
async function waitReady(base) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      if ((await command(base, 'GET', '/status')).ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs fn(arg) in the page, awaiting what it returns; a throw in the page becomes an Error here. */
function evaluateScript(/** @type {Function | string} */ fn) {
  return `const arg = arguments[0], done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn.toString()})(arg)).then(
  (value) => done({ value }),
  (error) => done({ error: String(error && error.stack ? error + '\\n' + error.stack : error) }));`;
}

/** @param {{ viewport: { width: number, height: number } }} options */
export async function launchWebKit({ viewport }) {
  const { xvfb, display } = await startXvfb();
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let driver;
  let base = '';
  try {
    const port = await freePort();
    let log = '';
    driver = spawn(webDriverBinary, [`--port=${port}`], {
      env: { ...process.env, DISPLAY: display },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,  // a process group of its own, for stop()
    });
    driver.stdout?.on('data', (chunk) => (log += chunk));
    driver.stderr?.on('data', (chunk) => (log += chunk));
    const failed = new Promise((_, reject) => {
      driver?.on('error', reject);
      driver?.on('exit', (code) => reject(new Error(`WebKitWebDriver exited with ${code}:\n${log}`)));
    });
    base = `http://127.0.0.1:${port}`;
    await Promise.race([waitReady(base), failed]);
    failed.catch(() => {});
  } catch (error) {
    if (driver) await stop(driver, { group: true });
    await stop(xvfb);
    throw error;
  }
  const running = /** @type {import('node:child_process').ChildProcess} */ (driver);
  // Should the worker exit without its teardown (killed at a timeout), its processes go with it.
  const killOnExit = () => {
    for (const [pid, group] of [[running.pid, true], [xvfb.pid, false]]) {
      try {
        if (pid) process.kill(group ? -pid : pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killOnExit);

  return {
    /** @returns {Promise<import('./remote_page.js').Driver>} */
    async newPage() {
      const capabilities = {
        alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] } },
      };
      let sessionId = '';
      for (let attempt = 1; !sessionId; attempt++) {
        try {
          ({ sessionId } = await command(base, 'POST', '/session', { capabilities }));
        } catch (error) {
          if (attempt === SESSION_TRIES) throw error;
          console.error(`[webkit] new session, try ${attempt}: ${/** @type {Error} */ (error).message}; trying again`);
        }
      }
      const session = (/** @type {'GET' | 'POST' | 'DELETE'} */ method, /** @type {string} */ path, /** @type {any} */ body) =>
        command(base, method, `/session/${sessionId}${path}`, body);
      /** @param {Function | string} fn @param {any} arg */
      const evaluate = async (fn, arg) => {
        const result = await session('POST', '/execute/async', { script: evaluateScript(fn), args: [arg ?? null] });
        if (result && 'error' in result) throw new Error(`page.evaluate: ${result.error}`);
        return result?.value;
      };
      /** The window's outer size that gives this viewport (MiniBrowser's toolbar takes some of it). */
      const setViewportSize = async (/** @type {{ width: number, height: number }} */ size) => {
        let outer = { width: size.width, height: size.height };
        for (let attempt = 0; attempt < 3; attempt++) {
          await session('POST', '/window/rect', outer);
          const inner = await evaluate(() => ({ width: innerWidth, height: innerHeight }));
          if (inner.width === size.width && inner.height === size.height) return;
          outer = { width: outer.width + size.width - inner.width, height: outer.height + size.height - inner.height };
        }
        const inner = await evaluate(() => ({ width: innerWidth, height: innerHeight }));
        if (inner.width > size.width) throw new Error(`MiniBrowser's viewport stays ${inner.width}x${inner.height}, not ${size.width}x${size.height}`);
      };
      /** @param {{ type: 'down' | 'up', key: string }[]} events */
      const keys = (events) =>
        session('POST', '/actions', {
          actions: [{ type: 'key', id: 'keyboard', actions: events.map(({ type, key }) => ({ type: type === 'down' ? 'keyDown' : 'keyUp', value: keyCode(key) })) }],
        });
      try {
        await session('POST', '/timeouts', { script: SCRIPT_TIMEOUT_MS });
        await setViewportSize(viewport);
      } catch (error) {
        await session('DELETE', '');
        throw error;
      }
      return {
        evaluate,
        async click(chain) {
          const element = await session('POST', '/execute/sync', { script: `return (${inPage.toString()})(arguments[0]);`, args: [{ op: 'element', chain }] });
          if (!element?.[ELEMENT_KEY]) throw new Error(`click: the element is gone (${JSON.stringify(element)})`);
          await session('POST', `/element/${element[ELEMENT_KEY]}/click`, {});
        },
        // A pointer's click at a point of the viewport: no script in the page, so it is sent even while a guest on the
        // page's main thread keeps it busy (the driver answers once the page has handled it).
        clickAt: (x, y) =>
          session('POST', '/actions', {
            actions: [{
              type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
              actions: [{ type: 'pointerMove', x, y, origin: 'viewport', duration: 0 }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }],
            }],
          }),
        keys,
        typeText: (text) => keys([...text].flatMap((key) => [{ type: 'down', key }, { type: 'up', key }])),
        goto: async (url) => {
          // WebKitWebDriver may answer before the new document has run its scripts (a click then
          // submits a form no script handles yet): wait, as Playwright's goto does, until the marked
          // old document is gone and the new one has loaded.
          await session('POST', '/execute/sync', { script: 'window.__sockbridgeLeaving = true;', args: [] });
          await session('POST', '/url', { url });
          const deadline = Date.now() + COMMAND_TIMEOUT_MS;
          for (;;) {
            const state = await session('POST', '/execute/sync', {
              script: "return window.__sockbridgeLeaving === true ? 'old' : document.readyState;",
              args: [],
            }).catch((/** @type {Error} */ error) => `not answering (${error.message})`);  // between two documents
            if (state === 'complete') return;
            if (Date.now() > deadline) throw new Error(`goto ${url}: the page did not load within ${COMMAND_TIMEOUT_MS} ms (${state})`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
        url: () => session('GET', '/url'),
        setViewportSize,
        on(event) {
          throw new Error(`page.on('${event}'): classic WebDriver reports no page events, so WebKit cannot`);
        },
        close: async () => {
          await session('DELETE', '');
        },
      };
    },
    async close() {
      process.removeListener('exit', killOnExit);
      await stop(running, { group: true });
      await stop(xvfb);
    },
  };
}
