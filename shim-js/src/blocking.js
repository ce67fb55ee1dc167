// blocking: how a guest waits. A host import may return a Promise when the
// guest must wait for the network; the strategy suspends the guest until it
// settles and resumes it with the value.
//   - JSPI: the engine suspends the wasm stack (WebAssembly.Suspending/promising).
//   - Asyncify: the guest was transformed at build time (wasm-opt --asyncify);
//     it unwinds its own stack into a buffer and rewinds it afterwards.

/** Bytes reserved in guest memory for Asyncify's saved stack. */
const ASYNCIFY_STACK_BYTES = 64 * 1024;
const WASM_PAGE_BYTES = 65536;
const ASYNCIFY_STATE_UNWINDING = 1;

/**
 * @typedef {object} BlockingStrategy
 * @property {'jspi' | 'asyncify'} name
 * @property {string} reason  why it was chosen, for people to read
 * @property {(fn: (...args: any[]) => any) => Function} wrapImport  makes an import that may return a Promise
 * @property {(instance: WebAssembly.Instance) => Promise<void>} start  runs _start to completion
 */

/** @returns {boolean} true if this engine has JavaScript Promise Integration. */
export function hasJspi() {
  const wasm = /** @type {any} */ (WebAssembly);
  return typeof wasm.Suspending === 'function' && typeof wasm.promising === 'function';
}

/**
 * Chooses a strategy: `requested` if given ('jspi' | 'asyncify'), else JSPI
 * when the engine has it, else Asyncify.
 * @param {string | undefined | null} requested
 * @returns {BlockingStrategy}
 */
export function chooseBlocking(requested) {
  if (requested === 'asyncify') return asyncify('requested by the page');
  if (requested === 'jspi') {
    if (!hasJspi()) throw new Error('JSPI was requested but this browser lacks WebAssembly.Suspending');
    return jspi('requested by the page');
  }
  if (requested) throw new Error(`unknown blocking mode "${requested}" (use jspi or asyncify)`);
  return hasJspi() ? jspi('WebAssembly.Suspending is available') : asyncify('this browser has no JSPI');
}

/** @param {string} reason @returns {BlockingStrategy} */
function jspi(reason) {
  const wasm = /** @type {any} */ (WebAssembly);
  return {
    name: 'jspi',
    reason,
    wrapImport: (fn) => new wasm.Suspending(fn),
    async start(instance) {
      await wasm.promising(instance.exports._start)();
    },
  };
}

/** @param {string} reason @returns {BlockingStrategy} */
function asyncify(reason) {
  /** @type {any} */
  let exports = null;
  let dataAddress = 0;
  /** @type {Promise<any> | null} */
  let pending = null;
  let rewinding = false;
  let resumeValue = /** @type {any} */ (undefined);

  return {
    name: 'asyncify',
    reason,
    wrapImport: (fn) => (/** @type {any[]} */ ...args) => {
      if (rewinding) {
        // The guest is replaying its stack up to this call: hand it the result.
        rewinding = false;
        exports.asyncify_stop_rewind();
        return resumeValue;
      }
      const result = fn(...args);
      if (!(result instanceof Promise)) return result;
      pending = result;
      exports.asyncify_start_unwind(dataAddress);
      return 0;  // ignored: the guest is unwinding
    },
    async start(instance) {
      exports = instance.exports;
      if (typeof exports.asyncify_start_unwind !== 'function')
        throw new Error('this guest was not built with Asyncify (use the .asyncify.wasm file)');
      dataAddress = reserveAsyncifyData(/** @type {WebAssembly.Memory} */ (exports.memory));
      for (;;) {
        exports._start();
        if (exports.asyncify_get_state() !== ASYNCIFY_STATE_UNWINDING) return;
        exports.asyncify_stop_unwind();
        const waitingOn = /** @type {Promise<any>} */ (pending);
        pending = null;
        resumeValue = await waitingOn;
        rewinding = true;
        exports.asyncify_start_rewind(dataAddress);
      }
    },
  };
}

/**
 * Grows guest memory by fresh pages for Asyncify's buffer, before the guest's
 * allocator first asks for memory, and writes the {start, end} header.
 * @param {WebAssembly.Memory} memory
 */
function reserveAsyncifyData(memory) {
  const pages = Math.ceil((ASYNCIFY_STACK_BYTES + 8) / WASM_PAGE_BYTES);
  const address = memory.grow(pages) * WASM_PAGE_BYTES;
  const header = new Uint32Array(memory.buffer, address, 2);
  header[0] = address + 8;
  header[1] = address + pages * WASM_PAGE_BYTES;
  return address;
}
