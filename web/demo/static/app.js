// The demo page: pick a program, give it arguments, run it, read its output.
import { run } from './shim-js/src/embed.js';

/** Programs the page offers: guest file, usage line, arguments that work against this relay. */
const DEMOS = {
  http_client: {
    guest: 'guests/http_client.wasm',
    usage: 'HOST PORT PATH — a name or IP; e.g. the relay itself: its /healthz answers "ok"',
    defaultArgs: () => `${location.hostname} ${location.port || (location.protocol === 'https:' ? 443 : 80)} /healthz`,
  },
  curl_demo: {
    guest: 'guests/curl_demo.wasm',
    usage: '[-i] [-I] [-L] [-f] [-v] [-X METHOD] [-d DATA] [-H Name:value] [-A AGENT] [-m SECONDS] URL… — libcurl API over real sockets',
    defaultArgs: () => `-i http://${location.host}/healthz`,
  },
  echo_server: {
    guest: 'guests/echo_server.wasm',
    usage: 'PORT [MAX_CLIENTS] — listens on the relay host; try: nc 127.0.0.1 PORT',
    defaultArgs: () => '7000',
  },
};

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('run-form'));
const demoSelect = /** @type {HTMLSelectElement} */ ($('demo'));
const argsInput = /** @type {HTMLInputElement} */ ($('args'));
const output = $('output');
const exitCode = $('exit-code');
const runButton = /** @type {HTMLButtonElement} */ ($('run'));
const stopButton = /** @type {HTMLButtonElement} */ ($('stop'));

const params = new URLSearchParams(location.search);
const relayUrl = params.get('relay') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/wisp/`;
$('relay-url').textContent = relayUrl;

/** @type {AbortController | null} */
let running = null;

/** How long a closed socket stays in the table, fading, before it goes. */
const CLOSED_ROW_MS = 2000;
/** @type {Map<number, HTMLTableRowElement>} fd → its row */
const socketRows = new Map();

/** Renders the kernel's socket list: updates rows in place, fades out the gone ones. @param {import('./shim-js/src/embed.js').SocketInfo[]} sockets */
function showSockets(sockets) {
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector('#sockets tbody'));
  const seen = new Set();
  for (const s of sockets) {
    seen.add(s.fd);
    let row = socketRows.get(s.fd);
    if (!row || row.classList.contains('closed')) {
      row?.remove();
      row = body.insertRow();
      socketRows.set(s.fd, row);
    }
    const cells = [s.fd, s.kind, s.state, s.local || '—', s.peer || '—', s.bytesIn, s.bytesOut];
    row.replaceChildren(...cells.map((value) => Object.assign(document.createElement('td'), { textContent: String(value) })));
  }
  for (const [fd, row] of socketRows) {
    if (seen.has(fd) || row.classList.contains('closed')) continue;
    row.classList.add('closed');
    row.cells[2].textContent = 'closed';
    setTimeout(() => {
      row.remove();
      if (socketRows.get(fd) === row) socketRows.delete(fd);
    }, CLOSED_ROW_MS);
  }
  $('no-sockets').hidden = socketRows.size > 0;
}

function selectDemo() {
  const demo = DEMOS[/** @type {keyof typeof DEMOS} */ (demoSelect.value)];
  $('usage').textContent = demo.usage;
  if (!argsInput.value) argsInput.value = demo.defaultArgs();
}

/** @param {string} text @param {string} [kind] */
function print(text, kind = 'stdout') {
  const span = document.createElement('span');
  span.className = kind;
  span.textContent = text;
  output.append(span);
  output.scrollTop = output.scrollHeight;
}

/** @param {string} kind */
function decoderFor(kind) {
  const decoder = new TextDecoder();
  return (/** @type {Uint8Array} */ bytes) => print(decoder.decode(bytes, { stream: true }), kind);
}

/** @param {string} text */
function splitArgs(text) {
  return text.trim() === '' ? [] : text.trim().split(/\s+/);
}

async function start() {
  const name = /** @type {keyof typeof DEMOS} */ (demoSelect.value);
  const demo = DEMOS[name];
  output.textContent = '';
  exitCode.textContent = 'running…';
  exitCode.className = 'running';
  runButton.disabled = true;
  stopButton.disabled = false;
  running = new AbortController();
  try {
    const code = await run({
      guest: demo.guest,
      programName: name,
      args: splitArgs(argsInput.value),
      relay: relayUrl,
      stdout: decoderFor('stdout'),
      stderr: decoderFor('stderr'),
      onStatus: (message, level) => {
        if (message.startsWith('blocking mode: ')) {
          $('blocking-mode').textContent = message.slice(15);
          return;
        }
        $('relay-status').textContent = message;
        if (level === 'error') print(`\n[relay] ${message}\n`, 'error');
      },
      signal: running.signal,
      onSockets: showSockets,
      blocking: /** @type {any} */ (params.get('blocking') ?? undefined),
    });
    exitCode.textContent = `exit code ${code}`;
    exitCode.className = code === 0 ? 'ok' : 'failed';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    print(`\n${message}\n`, 'error');
    exitCode.textContent = running?.signal.aborted ? 'stopped' : 'failed to run';
    exitCode.className = 'failed';
  } finally {
    running = null;
    runButton.disabled = false;
    stopButton.disabled = true;
  }
}

demoSelect.addEventListener('change', () => {
  argsInput.value = '';
  selectDemo();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!running) start();
});
stopButton.addEventListener('click', () => running?.abort());

const linkedDemo = params.get('demo');
if (linkedDemo && linkedDemo in DEMOS) demoSelect.value = linkedDemo;
const linkedArgs = params.get('args');
if (linkedArgs !== null) argsInput.value = linkedArgs;
selectDemo();
