// errors: why a run failed, in words a person can act on. run() rejects with
// engine errors (compile, link, trap) and loader errors; this names them.

import { RunAborted } from './shim-js/src/embed.js';

/**
 * @param {unknown} error  what run() rejected with
 * @param {string} program  the program's name, as the page shows it
 * @returns {string}
 */
export function explainRunError(error, program) {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RunAborted) return 'Stopped.';
  const missing = /^could not load guest (\S+): HTTP 404/.exec(message);
  if (missing)
    return `${program} is not available here: ${missing[1]} is not on this server (the program has not been built in this tree).`;
  if (error instanceof WebAssembly.CompileError)
    return `That file is not a WebAssembly program, or a damaged one (${message}).`;
  if (error instanceof WebAssembly.LinkError)
    return `${program} needs something the sockbridge host does not provide (${message}).`;
  if (error instanceof WebAssembly.RuntimeError)
    return `${program} crashed: the WebAssembly engine stopped it with a trap (${message}).`;
  if (message.includes('not built with Asyncify'))
    return `This page runs programs without JSPI (Asyncify mode), and ${program} is a plain build. ` +
      'Upload its Asyncify build instead (prog.asyncify.wasm, which sockbridge-cc writes beside prog.wasm), or use a browser with JSPI.';
  return `${program} could not run: ${message}`;
}
