// Runs the Node CLI runner (shim-js/cli.js) as a child process and collects
// what a person at a terminal would see: stdout, stderr and the exit code.
import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { startHttpServer, startRelay } from '../browser/fixtures.js';

const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;

/**
 * @param {string[]} args  guest, its arguments, and CLI options such as --relay
 * @param {Record<string, string>} [env]  variables added to this process's environment
 * @param {{ timeoutMs?: number, onStdout?: (text: string) => void }} [options]  timeoutMs: SIGKILL
 *   the run after this long (it then ends with code null and `timedOut`); onStdout: called with
 *   everything printed so far, after each chunk (for guests that announce something while running)
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, timedOut: boolean }>}
 */
export function runCli(args, env = {}, { timeoutMs, onStdout } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/**
 * A real relay and the /hello HTTP server (tests/browser/fixtures.js) for one test file: both start
 * before its tests, after the hooks the file registered earlier (so `relayArgs` may read files they
 * wrote), and stop after them. Tests read `servers.relay` and `servers.http`.
 * @param {() => string[]} relayArgs  the relay's flags, asked for when it starts
 */
export function relayAndHttpServer(relayArgs) {
  /** @type {{ relay: Awaited<ReturnType<typeof startRelay>>, http: Awaited<ReturnType<typeof startHttpServer>> }} */
  const servers = /** @type {any} */ ({});
  before(async () => {
    servers.relay = await startRelay(relayArgs());
    servers.http = await startHttpServer();
  });
  after(() => {
    servers.relay?.process.kill('SIGTERM');
    servers.http?.server.closeAllConnections();
    servers.http?.server.close();
  });
  return servers;
}

/**
 * Resolves once check() is true (checked every 20 ms), or fails after 15 s: for
 * what arrives on its own schedule, such as a relay's log line, which comes on
 * the relay's stdout, not with the reply the test got over its socket.
 * @param {() => boolean} check @param {string} what
 */
export async function until(check, what) {
  for (const deadline = Date.now() + 15_000; !check(); await sleep(20))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}
