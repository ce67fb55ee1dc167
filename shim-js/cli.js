#!/usr/bin/env node
// Entry point of the Node runner; see src/cli.js. By default it uses the host
// kernel staged by the build (build/site/host/host.js).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { runAsCommand } from './src/cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const builtHost = path.join(here, '..', 'build', 'site', 'host', 'host.js');

runAsCommand(process.argv.slice(2), builtHost);
