// blocking: how a guest waits. A host import may return a Promise when the
// guest must wait for the network; the strategy suspends the guest until it
// settles and resumes it with the value.
//   - JSPI: the engine suspends the wasm stack (WebAssembly.Suspending/promising).
//   - Asyncify: the guest was transformed at build time (wasm-opt --asyncify);
//     it unwinds its own stack into a buffer and rewinds it afterwards.

import { AsyncifyBuildRequired } from './errors.js';

/** Bytes grown for Asyncify's saved stack in a guest that does not bring its own buffer. */
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
        throw new AsyncifyBuildRequired();
      dataAddress = asyncifyData(exports);
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
 * Where the guest's stack is saved while it waits, with the {position, end}
 * header binaryen's Asyncify reads written. A guest built by the SDK owns this
 * buffer (sockbridge_asyncify_data, in its libc layer). It must: wasi-libc's
 * malloc adopts every page below memory.size at its first call, so pages grown
 * here before _start become heap, and a guest that allocates that far (curl
 * with TLS does) overwrites the saved frames and traps in asyncify_stop_unwind.
 * @param {any} exports  the guest instance's exports
 * @returns {number} the buffer's address
 */
function asyncifyData(exports) {
  const memory = /** @type {WebAssembly.Memory} */ (exports.memory);
  if (exports.sockbridge_asyncify_data instanceof WebAssembly.Global) {
    const address = exports.sockbridge_asyncify_data.value;
    const bytes = new Uint32Array(memory.buffer, exports.sockbridge_asyncify_data_bytes.value, 1)[0];
    return writeAsyncifyHeader(memory, address, address + bytes);
  }
  return growAsyncifyData(memory);
}

/**
 * For guests linked without the SDK's libc layer: grows fresh pages for the
 * buffer. Safe only while the guest's heap stays inside its initial memory
 * (see asyncifyData).
 * @param {WebAssembly.Memory} memory
 */
function growAsyncifyData(memory) {
  const pages = Math.ceil((ASYNCIFY_STACK_BYTES + 8) / WASM_PAGE_BYTES);
  const address = memory.grow(pages) * WASM_PAGE_BYTES;
  return writeAsyncifyHeader(memory, address, address + pages * WASM_PAGE_BYTES);
}

/** @param {WebAssembly.Memory} memory @param {number} address @param {number} end */
function writeAsyncifyHeader(memory, address, end) {
  const header = new Uint32Array(memory.buffer, address, 2);
  header[0] = address + 8;
  header[1] = end;
  return address;
}
