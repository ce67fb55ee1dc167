// cli: run a guest from a terminal, as the seed's run_wasm.py did.
//
//   node shim-js/cli.js guest.wasm [ARGS...] --relay ws://127.0.0.1:8080/wisp/ [--host path/to/host.js]
//
// stdin, stdout and stderr pass through; the process exits with the guest's exit code.
// A relay that requires a login gets SOCKBRIDGE_RELAY_USER and SOCKBRIDGE_RELAY_PASSWORD;
// its message of the day, if any, goes to stderr.
// Node has no JSPI, so guests block through their Asyncify build
// (x.asyncify.wasm beside x.wasm, or x.asyncify.wasm beside x for a program
// linked without the .wasm suffix, as Makefiles do).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { run } from './embed.js';

const USAGE = 'usage: node shim-js/cli.js GUEST.wasm [ARGS...] --relay WS_URL [--host HOST_JS] [--] [ARGS...]';

/**
 * @param {string[]} argv  arguments after the script name
 * @returns {{ guest: string, args: string[], relay: string, host: string | undefined }}
 */
export function parseCommandLine(argv) {
  /** @type {string[]} */
  const positional = [];
  /** @type {Record<string, string>} */
  const options = {};
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--relay' || arg === '--host') {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value\n${USAGE}`);
      options[arg.slice(2)] = argv[++i];
    } else {
      positional.push(arg);
    }
  }
  const [guest, ...args] = positional;
  if (!guest) throw new Error(USAGE);
  const relay = options.relay ?? process.env.SOCKBRIDGE_RELAY;
  if (!relay) throw new Error(`--relay is required (or set SOCKBRIDGE_RELAY)\n${USAGE}`);
  return { guest, args, relay, host: options.host ?? process.env.SOCKBRIDGE_HOST_JS };
}

/** @param {string} file */
async function asyncifyBytes(file) {
  const variant = file.endsWith('.asyncify.wasm') ? file : `${file.replace(/\.wasm$/, '')}.asyncify.wasm`;
  try {
    return await readFile(variant);
  } catch {
    throw new Error(`${variant} not found: Node needs the guest's Asyncify build beside ${file}`);
  }
}

/** The relay login from the environment, if both parts are set. */
function relayLogin() {
  const { SOCKBRIDGE_RELAY_USER: username, SOCKBRIDGE_RELAY_PASSWORD: password } = process.env;
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}

/**
 * Runs the command line and resolves to the process exit code.
 * @param {string[]} argv
 * @param {string} defaultHostJs  host.js to use when --host is not given
 */
export async function main(argv, defaultHostJs) {
  const { guest, args, relay, host } = parseCommandLine(argv);
  const hostJs = path.resolve(host ?? defaultHostJs);
  if (!globalThis.WebSocket) {
    const { WebSocket } = await import('ws');
    /** @type {any} */ (globalThis).WebSocket = WebSocket;
  }
  return run({
    guest: await asyncifyBytes(guest),
    programName: path.basename(guest, '.wasm'),
    args,
    relay,
    blocking: 'asyncify',
    hostUrl: pathToFileURL(hostJs),
    hostOverrides: { wasmBinary: await readFile(hostJs.replace(/\.js$/, '.wasm')) },
    stdin: process.stdin,
    stdout: (bytes) => process.stdout.write(bytes),
    stderr: (bytes) => process.stderr.write(bytes),
    relayAuth: relayLogin(),
    onStatus: (message, level) => {
      if (level !== 'info' || process.env.SOCKBRIDGE_VERBOSE) process.stderr.write(`sockbridge: ${message}\n`);
    },
  });
}
