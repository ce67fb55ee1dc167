#!/usr/bin/env node
// Entry point of the Node runner; see src/cli.js. By default it uses the host
// kernel staged by the build (build/site/host/host.js).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { main } from './src/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const builtHost = path.join(here, '..', 'build', 'site', 'host', 'host.js');

/** Exits once everything written to stdout and stderr has been flushed. @param {number} code */
function exitAfterFlush(code) {
  let waiting = 2;
  const done = () => --waiting === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2), builtHost).then(exitAfterFlush, (error) => {
  process.stderr.write(`sockbridge: ${error instanceof Error ? error.message : error}\n`);
  exitAfterFlush(125);
});
