// Builds the ports: upstream programs and libraries from Debian source
// packages, built unmodified with the guest SDK (build/sdk) by the recipe in
// guest/ports/NAME/port.json. scripts/thirdparty-sources caches the sources
// (no network here). Each build runs in a fresh copy of the source under
// build/ports/NAME with the SDK's bin/ first on PATH, and is redone only when
// the source, the recipe, the SDK or a port it depends on changed.
// Independent ports build side by side, SOCKBRIDGE_PORT_JOBS at a time (default:
// half the CPUs, at least 2; a configure script runs on one core), the ones with
// the most source to build, with their dependencies, first.
//
//   node guest/ports/build.mjs [NAME...]   build these ports (default: all) and their dependencies
//   node guest/ports/build.mjs --quiet NAME...   the same, silent unless something must be built
//                                                (then one line first: it takes minutes); scripts/demo uses it
//
// port.json:
//   description  what it is and what it exercises
//   source       the Debian source package (scripts/thirdparty-sources fetches it)
//   build        how it is built, in words (guest/README.md's table repeats it)
//   depends      ports to build first (libraries it links)
//   commands     argv lists run in order in the source copy; "@SDK@" stands for the SDK's path,
//                "@PORT@" for the recipe's folder (files of our own it builds, e.g. glue over WASI)
//   programs     what it builds, relative to its build directory (each gets NAME.asyncify.wasm)
//   installs     a library: files its commands install into the SDK, relative to it
//
// Every program a port builds is also published in the staged site as
// build/site/guests/BASENAME.wasm (+ .asyncify.wasm), so the demo page and the
// browser tests run it as they run the demos.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const portsDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(portsDir, '../..');
const buildDir = process.env.SOCKBRIDGE_BUILD_DIR ?? path.join(root, 'build');
export const sdkDir = path.join(buildDir, 'sdk');
const siteGuests = path.join(buildDir, 'site', 'guests');
/** What `cmake --install` put in the SDK: the base every port's key includes. */
const sdkManifest = path.join(buildDir, 'guest', 'install_manifest.txt');
export const sourcesDir =
  process.env.SOCKBRIDGE_THIRDPARTY_SOURCES ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sockbridge', 'debian-sources');

/**
 * @typedef {object} Port
 * @property {string} description
 * @property {string} source
 * @property {string} build
 * @property {string[]} [depends]
 * @property {string[][]} commands
 * @property {string[]} [programs]
 * @property {string[]} [installs]
 */

/** Every port, by name. @type {Record<string, Port>} */
export const ports = Object.fromEntries(
  readdirSync(portsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(portsDir, entry.name, 'port.json')))
    .map((entry) => [entry.name, JSON.parse(readFileSync(path.join(portsDir, entry.name, 'port.json'), 'utf8'))]),
);

/** Every file under dir, sorted, for hashing. @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/**
 * The SDK's files from CMake's install manifest, each with its name inside the
 * install tree. Names, not paths: `cmake --install` rewrites the manifest for
 * whatever prefix it was given last (packaging/sdk/pack.mjs installs the same
 * files into a package tree while ports build), and the same SDK must give the
 * same key from either.
 * @returns {[string, string][]} [name, path], sorted by name
 */
function sdkFiles() {
  const files = readFileSync(sdkManifest, 'utf8').split('\n').filter(Boolean);
  let prefix = path.dirname(files[0] ?? '');
  while (!files.every((file) => file.startsWith(`${prefix}/`))) prefix = path.dirname(prefix);
  return files.map((file) => /** @type {[string, string]} */ ([path.relative(prefix, file), file])).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** @type {Map<string, string>} */
const keys = new Map();

/** What a port's build depends on, as one digest. @param {string} name @returns {string} */
function buildKey(name) {
  const known = keys.get(name);
  if (known) return known;
  const port = ports[name];
  const hash = createHash('sha256');
  hash.update(JSON.stringify(port));
  hash.update(readFileSync(path.join(sourcesDir, port.source, '.sockbridge-source')));
  for (const [name, file] of sdkFiles()) {
    hash.update(name);
    hash.update(readFileSync(file));
  }
  for (const file of filesUnder(path.join(portsDir, name))) hash.update(readFileSync(file));
  for (const dependency of port.depends ?? []) hash.update(buildKey(dependency));
  const key = hash.digest('hex');
  keys.set(name, key);
  return key;
}

/** @type {Map<string, Promise<string>>} */
const building = new Map();

/** How many ports build at once (see the header). */
const jobs = Number(process.env.SOCKBRIDGE_PORT_JOBS) || Math.max(2, Math.floor(os.cpus().length / 2));
let running = 0;
/** Builds waiting for a free job; the highest priority goes next. @type {{ priority: number, start: () => void }[]} */
const waiting = [];
/** A port's priority: the most source bytes it or a port depending on it has to build. @type {Map<string, number>} */
const priorities = new Map();

/**
 * Runs one port's build when fewer than `jobs` are running.
 * @template T @param {string} name @param {() => Promise<T>} work @returns {Promise<T>}
 */
async function inJobSlot(name, work) {
  if (running < jobs) running += 1;
  // Else wait: a finished build hands its job over (running stays the same).
  else await new Promise((resolve) => waiting.push({ priority: priorities.get(name) ?? 0, start: () => resolve(undefined) }));
  try {
    return await work();
  } finally {
    // On the next turn, once the ports that waited for this one have queued.
    setImmediate(() => {
      waiting.sort((a, b) => b.priority - a.priority);
      const next = waiting.shift();
      if (next) next.start();
      else running -= 1;
    });
  }
}

/**
 * Sets the priorities of these ports and their dependencies (see priorities):
 * a long chain such as zlib, mbedtls then curl starts first.
 * @param {string[]} names
 */
function prioritize(names) {
  /** @param {string} name @returns {number} the bytes of its source and its dependencies' */
  const chain = (name) =>
    (existsSync(path.join(sourcesDir, ports[name].source))
      ? filesUnder(path.join(sourcesDir, ports[name].source)).reduce((sum, file) => sum + statSync(file).size, 0)
      : 0) + (ports[name].depends ?? []).reduce((sum, dependency) => sum + chain(dependency), 0);
  /** @param {string} name @param {number} priority */
  const raise = (name, priority) => {
    priorities.set(name, Math.max(priorities.get(name) ?? 0, priority));
    for (const dependency of ports[name].depends ?? []) raise(dependency, priority);
  };
  for (const name of names) raise(name, chain(name));
}

/**
 * Builds a port after its dependencies (or reuses its last build) and resolves
 * to the directory holding what it built.
 * @param {string} name  a port's name (its folder in guest/ports)
 * @returns {Promise<string>}
 */
export function buildPort(name) {
  if (!ports[name]) return Promise.reject(new Error(`no port named ${name} in ${portsDir}`));
  let pending = building.get(name);
  if (!pending) {
    pending = Promise.all((ports[name].depends ?? []).map(buildPort)).then(() => buildOne(name));
    building.set(name, pending);
  }
  return pending;
}

/**
 * Whether a port's last build is current (same source, recipe, SDK and
 * dependencies) and what it installs is in the SDK.
 * @param {string} name @returns {boolean}
 */
function isCurrent(name) {
  const port = ports[name];
  const stamp = path.join(buildDir, 'ports', name, '.sockbridge-build');
  if (!existsSync(path.join(sourcesDir, port.source, '.sockbridge-source')) || !existsSync(sdkManifest)) return false;
  if (!(port.installs ?? []).every((file) => existsSync(path.join(sdkDir, file)))) return false;
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === buildKey(name);
}

/**
 * Whether building a port would build anything, it or a port it depends on.
 * @param {string} name @returns {boolean}
 */
export function isBuilt(name) {
  return isCurrent(name) && (ports[name].depends ?? []).every(isBuilt);
}

/** @param {string} name @returns {Promise<string>} */
async function buildOne(name) {
  const port = ports[name];
  const source = path.join(sourcesDir, port.source);
  if (!existsSync(path.join(source, '.sockbridge-source')))
    throw new Error(`${source} is missing: run scripts/bootstrap (it calls scripts/thirdparty-sources)`);
  if (!existsSync(sdkManifest)) throw new Error(`${sdkManifest} is missing: build the project first`);
  const work = path.join(buildDir, 'ports', name);
  if (isCurrent(name)) return publish(name, work);
  return inJobSlot(name, () => buildInto(name, work));
}

/**
 * Builds a port in a fresh copy of its source (see the header).
 * @param {string} name @param {string} work  its build directory @returns {Promise<string>} work
 */
async function buildInto(name, work) {
  const port = ports[name];
  const source = path.join(sourcesDir, port.source);
  const stamp = path.join(work, '.sockbridge-build');
  const key = buildKey(name);
  const started = Date.now();

  rmSync(work, { recursive: true, force: true });
  // Timestamps kept: autotools' make reruns autoconf/automake when configure
  // or a Makefile.in looks older than its input, as a copy in file order makes it.
  cpSync(source, work, { recursive: true, preserveTimestamps: true });
  const env = { ...process.env, PATH: `${path.join(sdkDir, 'bin')}:${process.env.PATH}` };
  const log = [];
  for (const [command, ...args] of port.commands) {
    const argv = args.map((arg) => arg.replaceAll('@SDK@', sdkDir).replaceAll('@PORT@', path.join(portsDir, name)));
    try {
      const { stdout, stderr } = await run(command, argv, { cwd: work, env, maxBuffer: 256 << 20 });
      log.push(stdout, stderr);
    } catch (error) {
      const failed = /** @type {{ stdout?: string, stderr?: string }} */ (error);
      throw new Error(`${name}: ${command} ${argv.join(' ')} failed:\n${log.join('').slice(-20000)}${failed.stdout}${failed.stderr}`);
    }
  }
  for (const program of port.programs ?? [])
    if (!existsSync(path.join(work, `${program.replace(/\.wasm$/, '')}.asyncify.wasm`)))
      throw new Error(`${name}: ${program} was not built`);
  for (const file of port.installs ?? [])
    if (!existsSync(path.join(sdkDir, file))) throw new Error(`${name}: ${file} was not installed into ${sdkDir}`);
  writeFileSync(stamp, key);
  if (!quiet) console.log(`${name}: built in ${Math.round((Date.now() - started) / 1000)} s`);
  return publish(name, work);
}

/**
 * Copies a port's programs into the staged site's guests/ (see the header).
 * @param {string} name @param {string} work  its build directory @returns {string} work
 */
function publish(name, work) {
  mkdirSync(siteGuests, { recursive: true });
  for (const program of ports[name].programs ?? []) {
    const built = path.join(work, program.replace(/\.wasm$/, ''));
    const base = path.basename(built);
    cpSync(existsSync(`${built}.wasm`) ? `${built}.wasm` : built, path.join(siteGuests, `${base}.wasm`));
    cpSync(`${built}.asyncify.wasm`, path.join(siteGuests, `${base}.asyncify.wasm`));
  }
  return work;
}

// Run directly (ctest's ports.build, the fixture every ports.* test requires),
// it builds the ports named, or all of them.
const quiet = process.argv.includes('--quiet');
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const named = process.argv.slice(2).filter((arg) => arg !== '--quiet');
  const names = named.length > 0 ? named : Object.keys(ports);
  const unknown = names.find((name) => !ports[name]);
  if (unknown) throw new Error(`no port named ${unknown} in ${portsDir}`);
  if (quiet && !names.every(isBuilt))
    console.log(`building ${names.join(', ')} from Debian's sources into ${path.join(buildDir, 'ports')}: this takes a few minutes (only the first time, and after the SDK changes)`);
  prioritize(names);
  const order = [...names].sort((a, b) => (priorities.get(b) ?? 0) - (priorities.get(a) ?? 0));
  // Every port is tried; a port whose dependency failed reports that failure again.
  const results = await Promise.allSettled(order.map(buildPort));
  const failures = new Set();
  for (const [i, result] of results.entries()) {
    if (result.status === 'fulfilled') {
      if (!quiet) console.log(`${order[i]}: ${result.value}`);
    } else {
      failures.add(result.reason instanceof Error ? result.reason.message : String(result.reason));
    }
  }
  for (const failure of failures) console.error(failure);
  if (failures.size > 0) process.exitCode = 1;
}
