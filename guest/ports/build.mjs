// Builds the ports: upstream programs and libraries from Debian source
// packages, built unmodified with the guest SDK (build/sdk) by the recipe in
// guest/ports/NAME/port.json. scripts/thirdparty-sources caches the sources
// (no network here). Each build runs in a fresh copy of the source under
// build/ports/NAME with the SDK's bin/ first on PATH, and is redone only when
// the source, the recipe, the SDK or a port it depends on changed.
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
  for (const file of readFileSync(sdkManifest, 'utf8').split('\n').filter(Boolean).sort()) {
    hash.update(file);
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
  const stamp = path.join(work, '.sockbridge-build');
  const key = buildKey(name);

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
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--quiet');
  const named = process.argv.slice(2).filter((arg) => arg !== '--quiet');
  const names = named.length > 0 ? named : Object.keys(ports);
  const unknown = names.find((name) => !ports[name]);
  if (unknown) throw new Error(`no port named ${unknown} in ${portsDir}`);
  if (quiet && !names.every(isBuilt))
    console.log(`building ${names.join(', ')} from Debian's sources into ${path.join(buildDir, 'ports')}: this takes a few minutes (only the first time, and after the SDK changes)`);
  for (const name of names) {
    const built = await buildPort(name);
    if (!quiet) console.log(`${name}: ${built}`);
  }
}
