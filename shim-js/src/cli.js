// cli: run a guest from a terminal, as the seed's run_wasm.py did.
//
//   node shim-js/cli.js guest.wasm [ARGS...] --relay ws://127.0.0.1:8080/wisp/ [--host path/to/host.js]
//
// stdin, stdout and stderr pass through; the process exits with the guest's exit code.
// --file GUEST_PATH=HOST_PATH (repeatable) gives the guest a read-only copy of a
// host file; --dir GUEST_DIR=HOST_DIR a copy of a whole host directory, read
// once at start (later changes on the host are not seen).
// Every guest also gets the machine's Mozilla roots read-only where Debian keeps
// them, /etc/ssl/certs/ca-certificates.crt (package ca-certificates), unless a
// --file or --dir gives that path: TLS clients built by the SDK (curl's port)
// verify servers against it by default, as they would on Debian.
// A relay that requires a login gets SOCKBRIDGE_RELAY_USER and SOCKBRIDGE_RELAY_PASSWORD,
// or, with --relay-key FILE, the signature of its challenge by the Ed25519
// private key in FILE (PKCS#8 PEM, or OpenSSH as ssh-keygen -t ed25519 writes
// it; Wisp key authentication against a relay's --authorized-keys).
// Its message of the day, if any, goes to stderr.
// The guest runs in this thread (Node has no Web Workers). Node has no JSPI,
// so guests block through their Asyncify build
// (x.asyncify.wasm beside x.wasm, or x.asyncify.wasm beside x for a program
// linked without the .wasm suffix, as Makefiles do).
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { run } from './embed.js';
import { asyncifyVariant } from './loader.js';

const USAGE =
  'usage: node shim-js/cli.js GUEST.wasm [ARGS...] --relay WS_URL [--host HOST_JS]   (or --help)\n' +
  '       [--file GUEST_PATH=HOST_PATH]... [--dir GUEST_DIR=HOST_DIR]... [--relay-key KEY_FILE] [--] [ARGS...]\n' +
  '  --relay-key KEY_FILE  log in to the relay with this Ed25519 private key (PKCS#8 PEM or OpenSSH);\n' +
  '                        the relay lists its public key with --authorized-keys';

/**
 * A host file or directory the guest sees at an absolute path of its own.
 * @typedef {{ guestPath: string, hostPath: string }} Mapping
 */

/**
 * Splits a --file / --dir value at its first '='.
 * @param {string} flag @param {string} value @returns {Mapping}
 */
function parseMapping(flag, value) {
  const equals = value.indexOf('=');
  const guestPath = value.slice(0, equals);
  const hostPath = value.slice(equals + 1);
  const what = flag === '--file' ? 'GUEST_PATH=HOST_PATH' : 'GUEST_DIR=HOST_DIR';
  if (equals < 0 || !guestPath || !hostPath) throw new Error(`${flag} expects ${what}, not '${value}'\n${USAGE}`);
  if (!guestPath.startsWith('/')) throw new Error(`${flag}: the guest path must be absolute: '${guestPath}'\n${USAGE}`);
  return { guestPath, hostPath };
}

/**
 * @param {string[]} argv  arguments after the script name
 * @returns {{ guest: string, args: string[], relay: string, host: string | undefined,
 *             files: Mapping[], dirs: Mapping[], relayKeyFile: string | undefined }}
 */
export function parseCommandLine(argv) {
  /** @type {string[]} */
  const positional = [];
  /** @type {Record<string, string>} */
  const options = {};
  /** @type {Mapping[]} */
  const files = [];
  /** @type {Mapping[]} */
  const dirs = [];
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--relay' || arg === '--host' || arg === '--file' || arg === '--dir' || arg === '--relay-key') {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value\n${USAGE}`);
      const value = argv[++i];
      if (arg === '--file') files.push(parseMapping(arg, value));
      else if (arg === '--dir') dirs.push(parseMapping(arg, value));
      else options[arg.slice(2)] = value;
    } else {
      positional.push(arg);
    }
  }
  const [guest, ...args] = positional;
  if (!guest) throw new Error(USAGE);
  const relay = options.relay ?? process.env.SOCKBRIDGE_RELAY;
  if (!relay) throw new Error(`--relay is required (or set SOCKBRIDGE_RELAY)\n${USAGE}`);
  return {
    guest,
    args,
    relay,
    host: options.host ?? process.env.SOCKBRIDGE_HOST_JS,
    files,
    dirs,
    relayKeyFile: options['relay-key'],
  };
}

/**
 * Reads a host directory recursively into files (guest path → bytes).
 * Symbolic links are followed; anything but files and directories is skipped.
 * @param {string} hostDir @param {string} guestDir @param {Record<string, Uint8Array>} files
 */
async function readTree(hostDir, guestDir, files) {
  for (const name of await readdir(hostDir)) {
    const hostPath = path.join(hostDir, name);
    const guestPath = `${guestDir.replace(/\/+$/, '')}/${name}`;
    const info = await stat(hostPath);
    if (info.isDirectory()) await readTree(hostPath, guestPath, files);
    else if (info.isFile()) files[guestPath] = await readFile(hostPath);
  }
}

/**
 * The guest's files from --dir and --file (a --file wins over a --dir entry).
 * @param {Mapping[]} fileMappings @param {Mapping[]} dirMappings
 */
async function snapshotFiles(fileMappings, dirMappings) {
  /** @type {Record<string, Uint8Array>} */
  const files = {};
  for (const { guestPath, hostPath } of dirMappings) {
    const info = await stat(hostPath).catch(() => undefined);
    if (!info?.isDirectory()) throw new Error(`--dir ${guestPath}=${hostPath}: ${hostPath} is not a directory`);
    await readTree(hostPath, guestPath, files);
  }
  for (const { guestPath, hostPath } of fileMappings) {
    try {
      files[guestPath] = await readFile(hostPath);
    } catch (error) {
      const reason = /** @type {NodeJS.ErrnoException} */ (error).code ?? String(error);
      throw new Error(`--file ${guestPath}=${hostPath}: cannot read ${hostPath} (${reason})`);
    }
  }
  return files;
}

/** The trust anchors every guest gets, at the same path as on the host. */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Adds the host's CA bundle to the guest's files unless they already have one
 * there; a host without it gives none (a TLS client then fails as curl does
 * without its bundle).
 * @param {Record<string, Uint8Array>} files
 */
async function addCaBundle(files) {
  if (files[CA_BUNDLE]) return;
  const bundle = await readFile(CA_BUNDLE).catch(() => undefined);
  if (bundle) files[CA_BUNDLE] = bundle;
}

/** @param {string} file */
async function asyncifyBytes(file) {
  const variant = asyncifyVariant(file);
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

/** The bytes of --relay-key's file (relay_key.js reads the format). @param {string} file */
async function readRelayKey(file) {
  try {
    return await readFile(file);
  } catch (error) {
    const reason = /** @type {NodeJS.ErrnoException} */ (error).code ?? String(error);
    throw new Error(`--relay-key ${file}: cannot read the key file (${reason})`);
  }
}

/**
 * Runs the command line and resolves to the process exit code.
 * @param {string[]} argv
 * @param {string} defaultHostJs  host.js to use when --host is not given
 */
export async function main(argv, defaultHostJs) {
  if (argv[0] === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { guest, args, relay, host, files, dirs, relayKeyFile } = parseCommandLine(argv);
  const hostJs = path.resolve(host ?? defaultHostJs);
  const guestFiles = await snapshotFiles(files, dirs);
  await addCaBundle(guestFiles);
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
    thread: 'main',
    hostUrl: pathToFileURL(hostJs),
    hostOverrides: { wasmBinary: await readFile(hostJs.replace(/\.js$/, '.wasm')) },
    stdin: process.stdin,
    files: guestFiles,
    stdout: (bytes) => process.stdout.write(bytes),
    stderr: (bytes) => process.stderr.write(bytes),
    relayAuth: relayLogin(),
    relayKey: relayKeyFile === undefined ? undefined : new Uint8Array(await readRelayKey(relayKeyFile)),
    onStatus: (message, level) => {
      if (level !== 'info' || process.env.SOCKBRIDGE_VERBOSE) process.stderr.write(`sockbridge: ${message}\n`);
    },
  });
}

/** Exits once everything written to stdout and stderr has been flushed. @param {number} code */
function exitAfterFlush(code) {
  let waiting = 2;
  const done = () => --waiting === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * The runner as a command (the bins' whole body): runs `main` and exits with
 * the guest's exit code, or 125 with the error on stderr, after stdio flushed.
 * @param {string[]} argv
 * @param {string} defaultHostJs  host.js to use when --host is not given
 */
export function runAsCommand(argv, defaultHostJs) {
  main(argv, defaultHostJs).then(exitAfterFlush, (error) => {
    process.stderr.write(`sockbridge: ${error instanceof Error ? error.message : error}\n`);
    exitAfterFlush(125);
  });
}
