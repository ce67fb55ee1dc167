// imports: the guest's import object. Every posix_sockets and
// wasi_snapshot_preview1 function is a thin call into the host kernel
// (host.wasm), which checks pointers and owns all socket state. Calls that
// would block return a Promise that settles after the kernel sees more
// traffic; the blocking strategy (JSPI or Asyncify) suspends the guest meanwhile.

/** WASI errno for "function not implemented". */
const ENOSYS = 52;

/** Thrown by proc_exit to unwind the guest. */
export class ExitStatus extends Error {
  /** @param {number} code */
  constructor(code) {
    super(`guest exited with code ${code}`);
    this.code = code;
  }
}

/**
 * @typedef {object} ImportEntry
 * @property {string} hostExport  the host module's function that serves it
 * @property {boolean} blocking   true if it may wait (a Promise while the guest is suspended)
 */

/**
 * The imports the host serves: import module → import name → entry. They come
 * from the host module, which compiles them in from the one list of imports,
 * the tables of guest/include/posix_sockets.h (the Asyncify builds expand the
 * same tables): one line per import, "module name host_export blocking|immediate".
 * @param {any} host  the Emscripten host module instance
 * @returns {Map<string, Map<string, ImportEntry>>}
 */
export function importTable(host) {
  /** @type {Map<string, Map<string, ImportEntry>>} */
  const table = new Map();
  for (const line of host.UTF8ToString(host._sb_import_table()).split('\n')) {
    if (!line) continue;
    const [module, name, hostExport, mode] = line.split(' ');
    if (!table.has(module)) table.set(module, new Map());
    table.get(module)?.set(name, { hostExport, blocking: mode === 'blocking' });
  }
  return table;
}

/**
 * @typedef {object} ImportContext
 * @property {any} host                     the Emscripten host module instance
 * @property {() => void} flush             sends the kernel's outgoing frames
 * @property {(timeoutMs: number) => Promise<void>} progress  resolves at the next transport or stdin
 *   event, or after timeoutMs (if >= 0): the kernel's next deadline
 * @property {(fn: (...args: any[]) => any) => Function} wrapImport  lets an import return a Promise (blocking.js)
 */

/**
 * Builds the import object for a compiled guest module. Imports the host does
 * not implement return ENOSYS (negative for posix_sockets) instead of trapping.
 * @param {WebAssembly.Module} module
 * @param {ImportContext} context
 * @returns {WebAssembly.Imports}
 */
export function buildImports(module, context) {
  const { host, flush } = context;
  const wouldBlock = host._sb_would_block();

  /** @param {string} exportName */
  const immediate = (exportName) => (/** @type {any[]} */ ...args) => {
    const result = host[exportName](...args);
    flush();
    return result;
  };

  /** @param {string} exportName */
  const blocking = (exportName) =>
    context.wrapImport((/** @type {any[]} */ ...args) => {
      /** @returns {number | Promise<number>} */
      const attempt = () => {
        const result = host[exportName](...args);
        flush();
        if (result !== wouldBlock) return result;
        return context.progress(host._sb_wake_after_ms()).then(attempt);
      };
      return attempt();
    });

  const served = importTable(host);
  /** @type {Record<string, Record<string, Function>>} */
  const imports = {};
  for (const { module: name, name: field, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function') continue;
    imports[name] ??= {};
    const entry = served.get(name)?.get(field);
    if (entry) imports[name][field] = entry.blocking ? blocking(entry.hostExport) : immediate(entry.hostExport);
    else imports[name][field] = name === 'posix_sockets' ? () => -ENOSYS : () => ENOSYS;
  }
  imports.wasi_snapshot_preview1 ??= {};
  imports.wasi_snapshot_preview1.proc_exit = (/** @type {number} */ code) => {
    host._sb_wasi_proc_exit(code);
    flush();
    throw new ExitStatus(code);
  };
  return imports;
}
