// errors: why a run failed, in words a person can act on. run() rejects with
// engine errors (compile, link, trap) and shim-js's error classes
// (shim-js/src/errors.js); this names them by class, never by message text.

import { AsyncifyBuildRequired, GuestLoadError, RunAborted } from './shim-js/src/embed.js';

/**
 * @param {unknown} error  what run() rejected with
 * @param {string} program  the program's name, as the page shows it
 * @returns {string}
 */
export function explainRunError(error, program) {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RunAborted) return 'Stopped.';
  if (error instanceof GuestLoadError && error.status === 404)
    return `${program} is not available here: ${error.url} is not on this server (the program has not been built in this tree).`;
  if (error instanceof WebAssembly.CompileError)
    return `That file is not a WebAssembly program, or a damaged one (${message}).`;
  if (error instanceof WebAssembly.LinkError)
    return `${program} needs something the sockbridge host does not provide (${message}).`;
  if (error instanceof WebAssembly.RuntimeError)
    return `${program} crashed: the WebAssembly engine stopped it with a trap (${message}).`;
  if (error instanceof AsyncifyBuildRequired)
    return `This page runs programs without JSPI (Asyncify mode), and ${program} is a plain build. ` +
      'Upload its Asyncify build instead (prog.asyncify.wasm, which sockbridge-cc writes beside prog.wasm), or use a browser with JSPI.';
  return `${program} could not run: ${message}`;
}
