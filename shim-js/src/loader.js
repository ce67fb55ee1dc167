// loader: fetches and instantiates the host kernel (host.js + host.wasm) and
// compiles guests, and decides how blocking calls suspend the guest.

/**
 * @typedef {object} BlockingMode
 * @property {'jspi'} name
 * @property {string} reason  why this mode was chosen, for people to read
 */

/** @returns {boolean} true if this engine has JavaScript Promise Integration. */
export function hasJspi() {
  const wasm = /** @type {any} */ (WebAssembly);
  return typeof wasm.Suspending === 'function' && typeof wasm.promising === 'function';
}

/**
 * Picks how the guest blocks. JSPI is the only mode the walking skeleton has;
 * without it the run fails with a clear message instead of hanging.
 * @returns {BlockingMode}
 */
export function chooseBlockingMode() {
  if (!hasJspi())
    throw new Error('this browser lacks WebAssembly JSPI (WebAssembly.Suspending); use Chromium 137 or newer');
  return { name: 'jspi', reason: 'WebAssembly.Suspending is available' };
}

/**
 * Instantiates a fresh host kernel. One instance serves one guest run.
 * @param {string | URL} hostJsUrl  URL of host.js (host.wasm must sit beside it)
 * @returns {Promise<any>} the Emscripten module instance
 */
export async function loadHost(hostJsUrl) {
  const url = new URL(hostJsUrl, import.meta.url);
  const { default: createSockbridgeHost } = await import(url.href);
  return createSockbridgeHost({
    locateFile: (/** @type {string} */ file) => new URL(file, url).href,
  });
}

/**
 * Compiles a guest from a URL, bytes, or an already compiled module.
 * @param {string | URL | BufferSource | WebAssembly.Module} guest
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileGuest(guest) {
  if (guest instanceof WebAssembly.Module) return guest;
  if (typeof guest === 'string' || guest instanceof URL) {
    const response = await fetch(guest);
    if (!response.ok) throw new Error(`could not load guest ${guest}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
  return WebAssembly.compile(guest);
}
