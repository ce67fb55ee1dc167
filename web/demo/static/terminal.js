// terminal: a guest program's terminal. xterm.js shows stdout and stderr;
// keys typed into it are line-edited locally (line_editor.js) and become the
// guest's stdin, one line at a time. xterm.js is staged from npm into
// vendor/xterm/ beside this file (web/demo/CMakeLists.txt), never a CDN.

import { InputQueue } from './input_queue.js';
import { LineEditor } from './line_editor.js';

const vendor = new URL('./vendor/xterm/', import.meta.url);

/** @typedef {{ Terminal: typeof import('@xterm/xterm').Terminal, FitAddon: typeof import('@xterm/addon-fit').FitAddon }} Xterm */

/** @type {Promise<Xterm> | null} */
let xtermLoading = null;

/** Loads xterm.js once, on first use, so that a page is usable before it arrives. @returns {Promise<Xterm>} */
function loadXterm() {
  xtermLoading ??= Promise.all([
    /** @type {Promise<typeof import('@xterm/xterm')>} */ (import(new URL('xterm.mjs', vendor).href)),
    /** @type {Promise<typeof import('@xterm/addon-fit')>} */ (import(new URL('addon-fit.mjs', vendor).href)),
  ]).then(([xterm, fit]) => {
    addStylesheet(new URL('xterm.css', vendor));
    return { Terminal: xterm.Terminal, FitAddon: fit.FitAddon };
  });
  return xtermLoading;
}

/** Adds a stylesheet to the document once, however many terminals it has. @param {URL} url */
function addStylesheet(url) {
  if (document.querySelector(`link[rel="stylesheet"][href="${url.href}"]`)) return;
  document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: url.href }));
}

/** ANSI colours for what the page itself writes. */
const STYLE = { stderr: '\x1b[38;5;217m', error: '\x1b[1;38;5;203m', info: '\x1b[38;5;110m', ok: '\x1b[1;38;5;114m' };
const RESET = '\x1b[0m';

/** Lines kept above the screen. */
const SCROLLBACK_LINES = 5000;

export class GuestTerminal {
  #terminal;
  #fit;
  #editor = new LineEditor();
  /** @type {InputQueue | null} */
  #input = null;
  #resizeObserver;
  /** What the program wrote to stdout and stderr since clear(), as it wrote it (for "Save output"). */
  #transcript = '';
  /** Whether the last text written ended a line (xterm parses writes later, so its cursor lags). */
  #atLineStart = true;
  /** Called when the person presses Ctrl-C while a program reads input. @type {() => void} */
  onInterrupt = () => {};

  /**
   * Makes a terminal in `element` (it fills the element's width) once xterm.js is loaded.
   * @param {HTMLElement} element
   * @param {{ rows?: number }} [options]
   * @returns {Promise<GuestTerminal>}
   */
  static async create(element, options = {}) {
    return new GuestTerminal(element, options, await loadXterm());
  }

  /**
   * Use create(), which loads xterm.js first.
   * @param {HTMLElement} element @param {{ rows?: number }} options @param {Xterm} xterm
   */
  constructor(element, options, { Terminal, FitAddon }) {
    this.#terminal = new Terminal({
      convertEol: true,
      cursorBlink: true,
      rows: options.rows ?? 20,
      scrollback: SCROLLBACK_LINES,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace',
      fontSize: 13,
      theme: { background: '#14181e', foreground: '#d7dde5', cursor: '#8cc4ff' },
    });
    this.#fit = new FitAddon();
    this.#terminal.loadAddon(this.#fit);
    this.#terminal.open(element);
    this.#terminal.textarea?.setAttribute('aria-label', 'Terminal input: type a line and press Enter; Ctrl-D sends end of file');
    this.#terminal.onData((data) => this.#typed(data));
    // Tab is not input here (the line editor ignores it): leave it to the
    // browser, so keyboard users can move on instead of being trapped.
    this.#terminal.attachCustomKeyEventHandler((event) => event.key !== 'Tab');
    this.#resizeObserver = new ResizeObserver(() => this.#fitWidth());
    this.#resizeObserver.observe(element);
    this.#fitWidth();
  }

  /** Fits the columns to the element's width and keeps the configured rows. */
  #fitWidth() {
    const size = this.#fit.proposeDimensions();
    if (size && size.cols > 0 && size.cols !== this.#terminal.cols) this.#terminal.resize(size.cols, this.#terminal.rows);
  }

  /** @param {string} data */
  #typed(data) {
    if (!this.#input) return;
    const edit = this.#editor.input(data);
    this.#write(edit.echo);
    for (const line of edit.lines) this.#input.push(line);
    if (edit.endOfFile) {
      // The guest sees end of file; Ctrl-C still reaches onInterrupt until the run ends.
      this.#write('^D\r\n');
      this.#input.end();
    }
    if (edit.interrupt) this.onInterrupt();
  }

  /**
   * Starts taking typed lines as stdin for a new run.
   * @returns {InputQueue} the run's stdin
   */
  startInput() {
    this.endInput();
    this.#editor = new LineEditor();
    this.#input = new InputQueue();
    return this.#input;
  }

  /** The run is over (or the person sent end of file): typing no longer goes anywhere. */
  endInput() {
    this.#input?.end();
    this.#input = null;
  }

  /**
   * A stdout/stderr sink for run(): decodes UTF-8 across chunk boundaries.
   * @param {'stdout' | 'stderr'} stream
   * @returns {(bytes: Uint8Array) => void}
   */
  sink(stream) {
    const decoder = new TextDecoder();
    return (bytes) => {
      const text = decoder.decode(bytes, { stream: true });
      this.#transcript += text;
      if (text) this.#write(stream === 'stderr' ? STYLE.stderr + text + RESET : text);
    };
  }

  /** @param {string} text */
  #write(text) {
    if (!text) return;
    this.#terminal.write(text);
    // eslint-disable-next-line no-control-regex -- ESC of the ANSI reset the terminal may end a line with
    this.#atLineStart = /\n(\x1b\[0m)?$/.test(text);
  }

  /**
   * A line from the page itself (not the program), on a line of its own.
   * @param {string} text @param {'info' | 'error' | 'ok'} kind
   */
  notice(text, kind) {
    this.#write(`${this.#atLineStart ? '' : '\r\n'}${STYLE[kind]}${text}${RESET}\r\n`);
  }

  /** The program's output since clear(): stdout and stderr in the order written, without the page's notices. */
  get transcript() {
    return this.#transcript;
  }

  clear() {
    this.#transcript = '';
    this.#terminal.reset();
    this.#atLineStart = true;
  }

  focus() {
    this.#terminal.focus();
  }

  dispose() {
    this.endInput();
    this.#resizeObserver.disconnect();
    this.#terminal.dispose();
  }
}
