// loader: fetches and instantiates the host kernel (host.js + host.wasm) and
// compiles guests.

import { GuestLoadError } from './errors.js';

/**
 * Instantiates a fresh host kernel. One instance serves one guest run.
 * @param {string | URL} hostJsUrl  URL of host.js (host.wasm must sit beside it)
 * @param {Record<string, any>} [overrides]  Emscripten module settings (e.g. wasmBinary in Node)
 * @returns {Promise<any>} the Emscripten module instance
 */
export async function loadHost(hostJsUrl, overrides = {}) {
  const url = new URL(hostJsUrl, import.meta.url);
  const { default: createSockbridgeHost } = await import(url.href);
  return createSockbridgeHost({
    locateFile: (/** @type {string} */ file) => new URL(file, url).href,
    ...overrides,
  });
}

/**
 * Where a guest's Asyncify build is: `x.wasm` → `x.asyncify.wasm` (what the
 * guest build and sockbridge-cc produce beside the JSPI build), and `x` →
 * `x.asyncify.wasm` for a program linked without the suffix, as Makefiles
 * do. A URL or a file path; the one rule for the page and the Node CLI.
 * @param {string | URL} location
 */
export function asyncifyVariant(location) {
  const text = String(location);
  return text.endsWith('.asyncify.wasm') ? text : `${text.replace(/\.wasm$/, '')}.asyncify.wasm`;
}

/**
 * The program's name for a guest file: its base name without `.wasm` or `.asyncify.wasm`.
 * @param {string | URL} location
 */
export function programNameOf(location) {
  return String(location).split('/').pop()?.replace(/(\.asyncify)?\.wasm$/, '') || 'program';
}

/**
 * Compiles a guest from a URL, bytes, or an already compiled module. For the
 * Asyncify strategy a URL is mapped to its .asyncify.wasm sibling.
 * @param {string | URL | BufferSource | WebAssembly.Module} guest
 * @param {'jspi' | 'asyncify'} strategy
 * @returns {Promise<WebAssembly.Module>}
 */
export async function compileGuest(guest, strategy) {
  if (guest instanceof WebAssembly.Module) return guest;
  if (typeof guest === 'string' || guest instanceof URL) {
    const url = strategy === 'asyncify' ? asyncifyVariant(guest) : guest;
    const response = await fetch(url);
    if (!response.ok) throw new GuestLoadError(String(url), response.status);
    return WebAssembly.compile(await response.arrayBuffer());
  }
  return WebAssembly.compile(guest);
}
