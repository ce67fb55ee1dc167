#!/usr/bin/env node
// sockbridge-run: the Node runner of the npm package (shim-js/src/cli.js), with
// the package's own host kernel (host/host.js beside shim-js/).
//   npx sockbridge-run guest.wasm [ARGS...] --relay ws://127.0.0.1:8080/wisp/
import { fileURLToPath } from 'node:url';

import { main } from '../shim-js/src/cli.js';

const packagedHost = fileURLToPath(new URL('../host/host.js', import.meta.url));

/** Exits once everything written to stdout and stderr has been flushed. @param {number} code */
function exitAfterFlush(code) {
  let waiting = 2;
  const done = () => --waiting === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2), packagedHost).then(exitAfterFlush, (error) => {
  process.stderr.write(`sockbridge: ${error instanceof Error ? error.message : error}\n`);
  exitAfterFlush(125);
});
