#!/usr/bin/env node
// sockbridge-run: the Node runner of the npm package (shim-js/src/cli.js), with
// the package's own host kernel (host/host.js beside shim-js/).
//   npx sockbridge-run guest.wasm [ARGS...] --relay ws://127.0.0.1:8080/wisp/
import { fileURLToPath } from 'node:url';

import { runAsCommand } from '../shim-js/src/cli.js';

const packagedHost = fileURLToPath(new URL('../host/host.js', import.meta.url));

runAsCommand(process.argv.slice(2), packagedHost);
