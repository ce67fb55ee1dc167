// <sockbridge-run>: a program with a terminal and a Run button, for any static
// docs page. With the staged site (build/site) copied beside the docs, one
// module script is all a page needs:
//
//   <script type="module" src="/sockbridge/sockbridge-run.js"></script>
//   <sockbridge-run src="/sockbridge/guests/http_client.wasm" args="example.org 80 /"
//                   relay="wss://relay.example/wisp/"></sockbridge-run>
//
// Attributes: src (the guest, relative to the page), args (argv[1..]; {host}
// and {port} stand for the page's own host and port, for docs served by the
// relay itself), relay (ws:// or wss://; default: /wisp/ on the origin this
// script came from, right when the relay serves the site), blocking ("jspi"
// or "asyncify"; default: JSPI when the browser has it), rows (terminal
// height), share-relay (present: elements with the same relay share one
// WebSocket while any of them runs), thread ("main" runs the guest on the
// page's thread; default: a Web Worker, so Stop ends any guest), ca-bundle (present: the guest gets
// Debian's Mozilla roots, staged with the site, read-only at
// /etc/ssl/certs/ca-certificates.crt, where curl looks; a value is the URL of
// another PEM bundle). The `files` property gives any other read-only files,
// as run()'s files. Each element runs its own kernel, and without share-relay
// its own relay connection, so a page may hold several.
//
// It lives beside the demo page rather than in shim-js: it needs xterm.js and
// the page's terminal (terminal.js), which are staged with the site, while
// shim-js stays free of dependencies and also runs in Node.

import { splitArgs } from './args.js';
import { caBundleFiles } from './ca_bundle.js';
import { explainRunError } from './errors.js';
import { RelayConnection, run } from './shim-js/src/embed.js';
import { programNameOf } from './shim-js/src/loader.js';
import { GuestTerminal } from './terminal.js';

const here = new URL(import.meta.url);
const DEFAULT_RELAY = `${here.protocol === 'https:' ? 'wss' : 'ws'}://${here.host}/wisp/`;
const DEFAULT_ROWS = 12;

const CSS = `
sockbridge-run { display: block; margin: 1rem 0; border-radius: 8px; overflow: hidden; background: #14181e;
  font-family: system-ui, sans-serif; }
sockbridge-run .sbr-bar { display: flex; align-items: center; gap: 0.75rem; padding: 0.4rem 0.6rem;
  background: #222a35; color: #d7dde5; font-size: 0.85rem; flex-wrap: wrap; }
sockbridge-run .sbr-bar button { font: inherit; font-weight: 600; padding: 0.25rem 0.9rem; border-radius: 5px;
  border: 1px solid #4c9be8; background: #0b6bcb; color: white; cursor: pointer; }
sockbridge-run .sbr-bar button:focus-visible, sockbridge-run .sbr-terminal:focus-within { outline: 3px solid #8cc4ff; outline-offset: 1px; }
sockbridge-run .sbr-command { font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; flex: 1; }
sockbridge-run .sbr-status { color: #9fb0c2; }
sockbridge-run .sbr-status.ok { color: #7ee787; }
sockbridge-run .sbr-status.failed { color: #ff8a80; }
sockbridge-run .sbr-terminal { padding: 0.4rem; }
`;

function addStyle() {
  if (document.getElementById('sockbridge-run-style')) return;
  document.head.append(Object.assign(document.createElement('style'), { id: 'sockbridge-run-style', textContent: CSS }));
}

/**
 * The RelayConnection of the elements with share-relay, by URL. Each run holds
 * the connection it runs on (run() retains it); the WebSocket closes when the
 * last of them ends, and the next run opens a new connection.
 * @type {Map<string, RelayConnection>}
 */
const sharedRelays = new Map();

/**
 * The open connection to share for this URL, or a new one. The caller passes
 * it to run() at once and then calls the returned release, letting go of the
 * creator's hold (run() holds it from its first line).
 * @param {string} url
 * @returns {{ connection: RelayConnection, release: () => void }}
 */
function sharedRelay(url) {
  const open = sharedRelays.get(url);
  if (open && !open.closed) return { connection: open, release: () => {} };
  const connection = new RelayConnection(url);
  sharedRelays.set(url, connection);
  return { connection, release: () => connection.dispose() };
}

/** argv[1..] from the args attribute, with {host} and {port} of the page filled in. @param {string} text */
function expandArgs(text) {
  const port = location.port || (location.protocol === 'https:' ? '443' : '80');
  return splitArgs(text.replaceAll('{host}', location.hostname).replaceAll('{port}', port));
}

export class SockbridgeRun extends HTMLElement {
  /** @type {Promise<GuestTerminal> | null} */
  #terminal = null;
  /** @type {AbortController | null} */
  #running = null;
  #button = document.createElement('button');
  #command = document.createElement('code');
  #status = document.createElement('span');
  /** @type {Record<string, string | Uint8Array>} */
  #files = {};

  static observedAttributes = ['src', 'args'];

  constructor() {
    super();
    // files set before this module defined the element is an own property hiding the setter.
    if (Object.prototype.hasOwnProperty.call(this, 'files')) {
      const files = /** @type {any} */ (this).files;
      delete (/** @type {any} */ (this).files);
      this.files = files;
    }
    // Set up once: connectedCallback runs again each time the element is moved.
    this.#button.type = 'button';
    this.#button.textContent = 'Run';
    this.#button.addEventListener('click', () => (this.#running ? this.#running.abort() : this.#run()));
    this.#command.className = 'sbr-command';
    this.#status.className = 'sbr-status';
    this.#status.setAttribute('role', 'status');
  }

  /** Read-only files for the guest, by absolute path (run()'s files). */
  get files() {
    return this.#files;
  }

  set files(files) {
    this.#files = files ?? {};
  }

  get #program() {
    return programNameOf(this.getAttribute('src') ?? '');
  }

  connectedCallback() {
    if (this.#terminal) return;
    addStyle();
    const bar = Object.assign(document.createElement('div'), { className: 'sbr-bar' });
    bar.append(this.#button, this.#command, this.#status);
    const screen = Object.assign(document.createElement('div'), { className: 'sbr-terminal' });
    this.replaceChildren(bar, screen);
    this.#terminal = GuestTerminal.create(screen, { rows: Number(this.getAttribute('rows')) || DEFAULT_ROWS });
    this.#describe();
  }

  disconnectedCallback() {
    this.#running?.abort();
    this.#terminal?.then((terminal) => terminal.dispose());
    this.#terminal = null;
  }

  attributeChangedCallback() {
    this.#describe();
  }

  /** Shows the command line the Run button will run. */
  #describe() {
    const args = expandArgs(this.getAttribute('args') ?? '');
    this.#command.textContent = [this.#program, ...args].join(' ');
    this.#button.setAttribute('aria-label', `Run ${this.#command.textContent}`);
  }

  async #run() {
    const src = this.getAttribute('src');
    if (!this.#terminal || !src) return;
    const controller = new AbortController();
    this.#running = controller;
    const terminal = await this.#terminal;
    this.#button.textContent = 'Stop';
    this.#button.setAttribute('aria-label', `Stop ${this.#program}`);
    this.#setStatus('running…', '');
    terminal.clear();
    const stdin = terminal.startInput();
    terminal.onInterrupt = () => controller.abort();
    terminal.focus();
    // Bring the terminal into view: the output appears there (and xterm.js
    // does not draw a terminal that is off screen until it scrolls in).
    this.scrollIntoView({ block: 'nearest' });
    const program = this.#program;
    const relayUrl = this.getAttribute('relay') || DEFAULT_RELAY;
    const shared = this.hasAttribute('share-relay');
    try {
      const files = { ...this.files, ...(await this.#caBundle()) };
      const relay = shared ? sharedRelay(relayUrl) : { connection: relayUrl, release: () => {} };
      const running = run({
        guest: new URL(src, document.baseURI),
        programName: program,
        args: expandArgs(this.getAttribute('args') ?? ''),
        relay: relay.connection,
        files,
        stdin,
        stdout: terminal.sink('stdout'),
        stderr: terminal.sink('stderr'),
        onStatus: (message, level) => {
          if (level === 'error') terminal.notice(`relay: ${message}`, 'error');
          if (level === 'notice') terminal.notice(message, 'info');
        },
        signal: controller.signal,
        blocking: /** @type {any} */ (this.getAttribute('blocking') || undefined),
        thread: /** @type {any} */ (this.getAttribute('thread') || undefined),
      });
      relay.release();
      const code = await running;
      terminal.notice(`[${program} exited with code ${code}]`, code === 0 ? 'ok' : 'error');
      this.#setStatus(`exit code ${code}`, code === 0 ? 'ok' : 'failed');
    } catch (error) {
      terminal.notice(explainRunError(error, program), 'error');
      this.#setStatus(controller.signal.aborted ? 'stopped' : 'failed to run', 'failed');
    } finally {
      terminal.endInput();
      this.#running = null;
      this.#button.textContent = 'Run';
      this.#describe();
    }
  }

  /** The ca-bundle attribute's bundle as run()'s files (none without the attribute). */
  async #caBundle() {
    if (!this.hasAttribute('ca-bundle')) return {};
    const url = this.getAttribute('ca-bundle');
    return caBundleFiles(url ? new URL(url, document.baseURI).href : undefined);
  }

  /** @param {string} text @param {'ok' | 'failed' | ''} kind */
  #setStatus(text, kind) {
    this.#status.textContent = text;
    this.#status.className = `sbr-status ${kind}`;
  }
}

if (!customElements.get('sockbridge-run')) customElements.define('sockbridge-run', SockbridgeRun);
