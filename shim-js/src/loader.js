// loader: fetches and instantiates the host kernel (host.js + host.wasm) and
// compiles guests.
//
// Compiled modules are kept for the life of this thread (the page, or a
// Worker) and reused while the bytes fetched are the same: a second run of a
// guest then instantiates the module the first run compiled. That matters for
// speed, not only start-up: an engine compiles a module in a baseline tier
// first and optimizes its hot functions on a helper thread while it runs
// (JavaScriptCore's BBQ then OMG), so every fresh compile spent the first
// ~0.5 s of each run in slower code, with the optimizing compiler competing
// for the CPU (WebKitGTK: a 2,000 × 32-byte round trip guest at ×1.5-2.5 of a
// raw WebSocket client, ×1.0-1.2 once the module was reused; bench/RESULTS.md,
// run 7). The bytes are fetched every time (the HTTP cache answers), so a
// rebuilt guest is compiled afresh.

import { GuestLoadError } from './errors.js';

/** A few modules per thread: the URL, the bytes it gave and their compiled module. */
const COMPILED_KEPT = 8;
/** @type {Map<string, { bytes: Uint8Array, module: Promise<WebAssembly.Module> }>} */
const compiled = new Map();

/** @param {Uint8Array} a @param {Uint8Array} b */
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compiles `bytes` fetched from `url`, or returns the module compiled from the
 * same bytes at the same URL before.
 * @param {string} url @param {ArrayBuffer} buffer
 * @returns {Promise<WebAssembly.Module>}
 */
function compileKept(url, buffer) {
  const bytes = new Uint8Array(buffer);
  const kept = compiled.get(url);
  if (kept && sameBytes(kept.bytes, bytes)) return kept.module;
  const module = WebAssembly.compile(bytes);
  compiled.delete(url);
  compiled.set(url, { bytes, module });
  module.catch(() => compiled.get(url)?.module === module && compiled.delete(url));
  while (compiled.size > COMPILED_KEPT) compiled.delete(/** @type {string} */ (compiled.keys().next().value));
  return module;
}

/**
 * Instantiates a fresh host kernel. One instance serves one guest run.
 * @param {string | URL} hostJsUrl  URL of host.js (host.wasm must sit beside it)
 * @param {Record<string, any>} [overrides]  Emscripten module settings (e.g. wasmBinary in Node)
 * @returns {Promise<any>} the Emscripten module instance
 */
export async function loadHost(hostJsUrl, overrides = {}) {
  const url = new URL(hostJsUrl, import.meta.url);
  const { default: createSockbridgeHost } = await import(url.href);
  const wasmUrl = new URL('host.wasm', url).href;
  // Emscripten's hook for instantiating host.wasm: from the kept module. Not
  // where the embedder brings its own bytes or hook (Node passes wasmBinary).
  const keep = !('wasmBinary' in overrides) && !('instantiateWasm' in overrides) && typeof fetch === 'function';
  /** @type {(error: unknown) => void} */
  let failLoad = () => {};
  const failed = new Promise((_, reject) => (failLoad = reject));
  const host = createSockbridgeHost({
    locateFile: (/** @type {string} */ file) => new URL(file, url).href,
    ...(keep && {
      instantiateWasm(/** @type {WebAssembly.Imports} */ imports, /** @type {(instance: WebAssembly.Instance, module: WebAssembly.Module) => void} */ receive) {
        fetch(wasmUrl, { credentials: 'same-origin' })
          .then((response) => {
            if (!response.ok) throw new Error(`could not load ${wasmUrl} (HTTP ${response.status})`);
            return response.arrayBuffer();
          })
          .then((buffer) => compileKept(wasmUrl, buffer))
          .then(async (module) => receive(await WebAssembly.instantiate(module, imports), module))
          .catch(failLoad);
        return {};
      },
    }),
    ...overrides,
  });
  return keep ? Promise.race([host, failed]) : host;
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
    return compileKept(response.url || String(url), await response.arrayBuffer());
  }
  return WebAssembly.compile(guest);
}
