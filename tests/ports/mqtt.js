// Real MQTT peers for the mosquitto port's tests: Debian's mosquitto broker
// with a config of its own on a free port of 127.0.0.1 (never the system
// service), and Debian's mosquitto_pub/mosquitto_sub clients. Used by
// tests/ports/mosquitto.test.js and tests/browser/ports_servers.spec.js.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** A TCP port of 127.0.0.1 nobody listens on right now. @returns {Promise<number>} */
export async function freeTcpPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return port;
}

/**
 * Debian's mosquitto broker on a free port of 127.0.0.1, anonymous clients
 * allowed, logging every packet. waitForLog(pattern) resolves once its log
 * shows the pattern (e.g. a client's SUBSCRIBE); stop() ends it by its PID.
 */
export async function startBroker() {
  const port = await freeTcpPort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-mosquitto-'));
  const config = path.join(dir, 'mosquitto.conf');
  writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false',
    'log_dest stderr', 'log_type all', ''].join('\n'));
  const child = spawn('/usr/sbin/mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  /** @type {Set<() => void>} */
  const watchers = new Set();
  child.stderr.on('data', (chunk) => {
    log += chunk;
    for (const watcher of watchers) watcher();
  });
  /** @param {RegExp} pattern @returns {Promise<void>} */
  const waitForLog = (pattern) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!pattern.test(log)) return;
        watchers.delete(check);
        resolve();
      };
      watchers.add(check);
      child.once('exit', () => watchers.has(check) && reject(new Error(`mosquitto exited before ${pattern}:\n${log}`)));
      check();
    });
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      // "Opening ... listen socket" is logged before the socket listens; "running" once it does.
      waitForLog(/mosquitto version \S+ running/),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`mosquitto did not start:\n${log}`)), 10_000)),
    ]);
  } catch (error) {
    stop();
    throw error;
  }
  return { port, log: () => log, waitForLog, stop };
}

/** Debian's mosquitto_pub (10 s at most). @param {string[]} args */
export async function nativePublish(args) {
  await promisify(execFile)('/usr/bin/mosquitto_pub', args, { timeout: 10_000 });
}

/**
 * Debian's mosquitto_sub, running; exited resolves to what it printed.
 * @param {string[]} args
 */
export function nativeSubscribe(args) {
  const child = spawn('/usr/bin/mosquitto_sub', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGTERM'), 10_000);
  /** @type {Promise<{ code: number | null, stdout: string, stderr: string }>} */
  const exited = new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, exited };
}
