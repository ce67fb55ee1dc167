// The demo page: pick a program (or upload one), give it arguments, run it in
// a terminal, watch its sockets and the relay.
import { chooseBlocking } from './shim-js/src/blocking.js';
import { run } from './shim-js/src/embed.js';
import { asyncifyVariant, programNameOf } from './shim-js/src/loader.js';
import { splitArgs } from './args.js';
import { caBundleFiles } from './ca_bundle.js';
import { explainRunError } from './errors.js';
import { probeRelay, relayUrlFor } from './relay_status.js';
import { SocketTable } from './socket_table.js';
import { GuestTerminal } from './terminal.js';

/**
 * Programs the page offers: guest file, usage line, arguments that work
 * against this relay's own host, whether it gets the CA bundle (TLS), and
 * how to build it when it is not there (ports are built apart from the demos).
 * @type {Record<string, { guest: string, usage: string, defaultArgs: () => string, caBundle?: boolean, build?: string }>}
 */
const DEMOS = {
  http_client: {
    guest: 'guests/http_client.wasm',
    usage: 'HOST PORT PATH — a name or IP; e.g. the relay itself: its /healthz answers "ok"',
    defaultArgs: () => `${location.hostname} ${location.port || (location.protocol === 'https:' ? 443 : 80)} /healthz`,
  },
  curl: {
    guest: 'guests/curl.wasm',
    usage: '[options] URL… — curl 7.88 itself (mbedTLS, zlib): -sS -i -I -L -v -o - -d -H -w --compressed -k --resolve …; HTTPS verified against the Mozilla roots',
    defaultArgs: () => `-sS -i http://${location.host}/healthz`,
    caBundle: true,
    build: 'node guest/ports/build.mjs curl (./scripts/demo runs it)',
  },
  echo_server: {
    guest: 'guests/echo_server.wasm',
    usage: 'PORT [MAX_CLIENTS] — listens on the relay host; try: nc 127.0.0.1 PORT',
    defaultArgs: () => '7000',
  },
  udp_client: {
    guest: 'guests/udp_client.wasm',
    usage: '[-c] HOST PORT MESSAGE… — one datagram per MESSAGE, each reply printed with its sender (-c: connect first, to hear ICMP refusals); needs a UDP peer, e.g. socat UDP-LISTEN:9999,fork PIPE',
    defaultArgs: () => `${location.hostname} 9999 hello sockbridge`,
  },
  cpu_spin: {
    guest: 'guests/cpu_spin.wasm',
    usage: '[-t SECONDS] [HOST PORT] — spins the CPU without a system call until you press Stop (or for SECONDS); the page stays usable meanwhile. With HOST PORT it first opens a TCP connection there, which Stop closes',
    defaultArgs: () => '',
  },
};
const UPLOAD = 'upload';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('run-form'));
const demoSelect = /** @type {HTMLSelectElement} */ ($('demo'));
const argsInput = /** @type {HTMLInputElement} */ ($('args'));
const uploadInput = /** @type {HTMLInputElement} */ ($('upload'));
const exitCode = $('exit-code');
const runButton = /** @type {HTMLButtonElement} */ ($('run'));
const stopButton = /** @type {HTMLButtonElement} */ ($('stop'));
const guestNote = $('guest-note');
const saveOutput = /** @type {HTMLAnchorElement} */ ($('save-output'));

/**
 * Offers the finished run's output, exactly as the program wrote it, as a file
 * (the terminal shows it wrapped and scrolled; this keeps every byte).
 * @param {string} text
 */
function offerOutput(text) {
  if (saveOutput.href) URL.revokeObjectURL(saveOutput.href);
  saveOutput.href = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  saveOutput.hidden = false;
}

const params = new URLSearchParams(location.search);
const relayUrl = relayUrlFor(location);
const requestedBlocking = params.get('blocking') ?? undefined;
// ?thread=main runs guests on the page's own thread (default: a Web Worker each).
const requestedThread = params.get('thread') ?? undefined;
// xterm.js arrives while the form is already usable; a run waits for it.
const terminalReady = GuestTerminal.create($('output'), { rows: 16 });
const sockets = new SocketTable(/** @type {HTMLTableElement} */ ($('sockets')), $('no-sockets'));

/** @type {AbortController | null} */
let running = null;

// ---- relay panel ----

/** @param {string} text @param {'ok' | 'bad' | ''} [kind] */
function relayState(text, kind = '') {
  $('relay-state').textContent = text;
  $('relay-state').className = kind;
}

async function checkRelay() {
  relayState('checking…');
  const probe = await probeRelay(relayUrl);
  if (running) return;  // a run's own connection status is more recent
  if (probe.reachable) {
    relayState('reachable', 'ok');
    $('relay-rtt').textContent = `${probe.rttMs.toFixed(1)} ms`;
  } else {
    relayState(`not reachable: ${probe.error}`, 'bad');
    $('relay-rtt').textContent = '—';
  }
}

function showBlocking() {
  try {
    const mode = chooseBlocking(requestedBlocking);
    $('blocking-mode').textContent = `${mode.name === 'jspi' ? 'JSPI' : 'Asyncify'} — ${mode.reason}`;
  } catch (error) {
    $('blocking-mode').textContent = error instanceof Error ? error.message : String(error);
  }
}

/** @param {GuestTerminal} terminal @param {string} message @param {import('./shim-js/src/embed.js').StatusLevel} level */
function onRelayEvent(terminal, message, level) {
  if (message.startsWith('blocking mode: ')) return;  // known before the run: showBlocking()
  if (level === 'notice') return terminal.notice(message, 'info');  // the relay's MOTD, for the reader
  $('relay-status').textContent = message;
  if (message.startsWith('connected to ')) relayState('connected (WebSocket open)', 'ok');
  else if (message.startsWith('could not connect')) relayState('not reachable', 'bad');
  if (level !== 'error') return;
  const unreachable = message.startsWith('could not connect');
  terminal.notice(
    unreachable
      ? `The relay at ${relayUrl} is unreachable, so the program's network calls fail (network unreachable). Is it running? ./scripts/demo starts one.`
      : `relay: ${message}`,
    'error',
  );
}

// ---- programs ----

/** @type {Map<string, Promise<boolean>>} guest URL → is it on the server */
const availability = new Map();

/** @param {string} url */
function guestAvailable(url) {
  const file = requestedBlocking === 'asyncify' ? asyncifyVariant(url) : url;
  let known = availability.get(file);
  if (!known) {
    known = fetch(file, { method: 'HEAD', cache: 'no-store' }).then((r) => r.ok, () => false);
    availability.set(file, known);
  }
  return known;
}

async function selectDemo() {
  const name = demoSelect.value;
  const upload = name === UPLOAD;
  $('upload-field').hidden = !upload;
  guestNote.textContent = '';
  runButton.disabled = running !== null;
  if (upload) {
    $('usage').textContent = 'arguments for your program (argv[1..])';
    return;
  }
  const demo = DEMOS[name];
  $('usage').textContent = demo.usage;
  if (!argsInput.value) argsInput.value = demo.defaultArgs();
  const available = await guestAvailable(demo.guest);
  if (demoSelect.value !== name || available) return;
  guestNote.textContent = `${demo.guest.replace('guests/', '')} is not on this server: this program has not been built in this tree yet` +
    (demo.build ? ` (${demo.build}).` : '.');
  runButton.disabled = true;
}

/** Keeps the address bar a link to what is on screen: demo and arguments. */
function rememberInUrl() {
  const query = new URLSearchParams(location.search);
  query.set('demo', demoSelect.value);
  query.set('args', argsInput.value);
  history.replaceState(null, '', `?${query}`);
}

/** @returns {Promise<{ guest: string | Uint8Array, program: string, caBundle: boolean } | null>} */
async function chosenProgram() {
  const name = demoSelect.value;
  if (name !== UPLOAD) return { guest: DEMOS[name].guest, program: name, caBundle: DEMOS[name].caBundle ?? false };
  const file = uploadInput.files?.[0];
  if (!file) {
    guestNote.textContent = 'Choose a .wasm file first.';
    uploadInput.focus();
    return null;
  }
  return { guest: new Uint8Array(await file.arrayBuffer()), program: programNameOf(file.name), caBundle: false };
}

/**
 * The CA bundle as run()'s files; without it the run still goes ahead (plain
 * HTTP works, verified HTTPS fails), and the terminal says why.
 * @param {GuestTerminal} terminal
 */
async function bundleOrNotice(terminal) {
  try {
    return await caBundleFiles();
  } catch (error) {
    terminal.notice(`${error instanceof Error ? error.message : error}: HTTPS will fail to verify servers.`, 'error');
    return {};
  }
}

async function start() {
  // Taken at once, so a second Enter while the file or xterm.js loads does not start another run.
  const controller = new AbortController();
  running = controller;
  runButton.disabled = true;
  const chosen = await chosenProgram();
  if (!chosen) {
    running = null;
    runButton.disabled = false;
    return;
  }
  const { guest, program } = chosen;
  const terminal = await terminalReady;
  terminal.clear();
  const files = chosen.caBundle ? await bundleOrNotice(terminal) : {};
  exitCode.textContent = 'running…';
  exitCode.className = 'running';
  stopButton.disabled = false;
  const stdin = terminal.startInput();
  terminal.onInterrupt = () => controller.abort();
  terminal.focus();
  performance.clearMarks();
  performance.mark('sockbridge-run');
  const stdout = terminal.sink('stdout');
  try {
    const code = await run({
      guest,
      programName: program,
      args: splitArgs(argsInput.value),
      relay: relayUrl,
      files,
      stdin,
      stdout: (bytes) => {
        if (performance.getEntriesByName('sockbridge-first-output').length === 0) performance.mark('sockbridge-first-output');
        stdout(bytes);
      },
      stderr: terminal.sink('stderr'),
      onStatus: (message, level) => onRelayEvent(terminal, message, level),
      signal: controller.signal,
      onSockets: (list) => sockets.show(list),
      blocking: /** @type {any} */ (requestedBlocking),
      thread: /** @type {any} */ (requestedThread),
    });
    terminal.notice(`[${program} exited with code ${code}]`, code === 0 ? 'ok' : 'error');
    offerOutput(terminal.transcript);
    exitCode.textContent = `exit code ${code}`;
    exitCode.className = code === 0 ? 'ok' : 'failed';
  } catch (error) {
    terminal.notice(explainRunError(error, program), 'error');
    offerOutput(terminal.transcript);
    exitCode.textContent = controller.signal.aborted ? 'stopped' : 'failed to run';
    exitCode.className = 'failed';
  } finally {
    // With sockbridge-stop (the Stop press), this times how long stopping took.
    if (controller.signal.aborted) performance.mark('sockbridge-stopped');
    terminal.endInput();
    running = null;
    runButton.disabled = false;
    stopButton.disabled = true;
    checkRelay();
  }
}

demoSelect.addEventListener('change', () => {
  argsInput.value = '';
  selectDemo();
  rememberInUrl();
});
argsInput.addEventListener('change', rememberInUrl);
uploadInput.addEventListener('change', () => (guestNote.textContent = ''));
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!running) start();
});
stopButton.addEventListener('click', () => {
  if (!running) return;
  performance.mark('sockbridge-stop');
  running.abort();
});
$('check-relay').addEventListener('click', checkRelay);

$('relay-url').textContent = relayUrl;
const linkedDemo = params.get('demo');
if (linkedDemo && (linkedDemo in DEMOS || linkedDemo === UPLOAD)) demoSelect.value = linkedDemo;
const linkedArgs = params.get('args');
if (linkedArgs !== null) argsInput.value = linkedArgs;
showBlocking();
selectDemo();
checkRelay();
terminalReady.then((terminal) => terminal.notice('Choose a program, check its arguments and press Run: its output appears here.', 'info'));
