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

/** @typedef {Record<string, Record<string, string>>} ExportTable */

/**
 * Import name → host export, for calls that may block. The Asyncify builds
 * take the same list from guest/share/sockbridge/asyncify-imports;
 * tests/node/import_tables.test.js holds the two equal.
 * @type {ExportTable}
 */
export const BLOCKING = {
  posix_sockets: {
    connect: '_sb_sock_connect',
    send: '_sb_sock_send',
    recv: '_sb_sock_recv',
    sendto: '_sb_sock_sendto',
    recvfrom: '_sb_sock_recvfrom',
    accept: '_sb_sock_accept',
    listen: '_sb_sock_listen',
    bind: '_sb_sock_bind', // a UDP bind waits for the relay's port
    poll: '_sb_sock_poll',
    getaddrinfo: '_sb_sock_getaddrinfo',
  },
  wasi_snapshot_preview1: {
    fd_read: '_sb_wasi_fd_read',
    fd_write: '_sb_wasi_fd_write',
    poll_oneoff: '_sb_wasi_poll_oneoff',
  },
};

/** Import name → host export, for calls that always finish at once. @type {ExportTable} */
const IMMEDIATE = {
  posix_sockets: {
    socket: '_sb_sock_socket',
    close: '_sb_sock_close',
    shutdown: '_sb_sock_shutdown',
    setsockopt: '_sb_sock_setsockopt',
    getsockopt: '_sb_sock_getsockopt',
    getpeername: '_sb_sock_getpeername',
    getsockname: '_sb_sock_getsockname',
    // Local pipes and socket pairs live in the kernel; making them never waits.
    pipe: '_sb_sock_pipe',
    socketpair: '_sb_sock_socketpair',
    // Another fd for an open object: the fd table is the kernel's.
    dup: '_sb_sock_dup',
    dup2: '_sb_sock_dup2',
  },
  wasi_snapshot_preview1: {
    args_get: '_sb_wasi_args_get',
    args_sizes_get: '_sb_wasi_args_sizes_get',
    environ_get: '_sb_wasi_environ_get',
    environ_sizes_get: '_sb_wasi_environ_sizes_get',
    clock_res_get: '_sb_wasi_clock_res_get',
    clock_time_get: '_sb_wasi_clock_time_get',
    random_get: '_sb_wasi_random_get',
    fd_close: '_sb_wasi_fd_close',
    fd_fdstat_get: '_sb_wasi_fd_fdstat_get',
    fd_seek: '_sb_wasi_fd_seek',
    fd_prestat_get: '_sb_wasi_fd_prestat_get',
    fd_prestat_dir_name: '_sb_wasi_fd_prestat_dir_name',
    fd_fdstat_set_flags: '_sb_wasi_fd_fdstat_set_flags',
    // The read-only file tree (run({ files })): memory only, never waits.
    path_open: '_sb_wasi_path_open',
    path_filestat_get: '_sb_wasi_path_filestat_get',
    fd_pread: '_sb_wasi_fd_pread',
    fd_tell: '_sb_wasi_fd_tell',
    fd_filestat_get: '_sb_wasi_fd_filestat_get',
    fd_readdir: '_sb_wasi_fd_readdir',
    sched_yield: '_sb_wasi_sched_yield',
  },
};

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

  /** @type {Record<string, Record<string, Function>>} */
  const imports = {};
  for (const { module: name, name: field, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function') continue;
    imports[name] ??= {};
    const blockingExport = BLOCKING[name]?.[field];
    const immediateExport = IMMEDIATE[name]?.[field];
    if (blockingExport) imports[name][field] = blocking(blockingExport);
    else if (immediateExport) imports[name][field] = immediate(immediateExport);
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
