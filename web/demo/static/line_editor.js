// line_editor: the terminal's line discipline, as a pure state machine. Keys
// typed into the terminal are edited locally (echo, backspace) and handed to
// the guest's stdin a whole line at a time, the way a tty in canonical mode
// does; Ctrl-D sends end of file.

const ENTER = '\r';
const BACKSPACE = '\x7f';
const CTRL_H = '\b';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_U = '\x15';
const ESCAPE = '\x1b';

/**
 * What one burst of keys did.
 * @typedef {object} LineEdit
 * @property {string} echo        text to write back to the terminal
 * @property {string[]} lines     finished input for the guest, each ending in "\n" (or not, if flushed by Ctrl-D)
 * @property {boolean} endOfFile  Ctrl-D on an empty line: the guest reads end of file
 * @property {boolean} interrupt  Ctrl-C: the person wants the program stopped
 */

export class LineEditor {
  /** The line being typed, as code points (so backspace removes one whole character). @type {string[]} */
  #line = [];

  /**
   * Feeds keys as xterm's onData delivers them (typed or pasted).
   * @param {string} data
   * @returns {LineEdit}
   */
  input(data) {
    /** @type {LineEdit} */
    const edit = { echo: '', lines: [], endOfFile: false, interrupt: false };
    // Cursor keys and other escape sequences do not edit the line.
    const keys = data.startsWith(ESCAPE) ? [] : Array.from(data);
    for (const key of keys) {
      if (edit.endOfFile || edit.interrupt) break;
      this.#key(key, edit);
    }
    return edit;
  }

  /** @param {string} key @param {LineEdit} edit */
  #key(key, edit) {
    switch (key) {
      case ENTER:
      case '\n':
        edit.echo += '\r\n';
        edit.lines.push(this.#take() + '\n');
        return;
      case BACKSPACE:
      case CTRL_H:
        if (this.#line.pop() !== undefined) edit.echo += '\b \b';
        return;
      case CTRL_U:
        edit.echo += '\b \b'.repeat(this.#line.length);
        this.#line = [];
        return;
      case CTRL_C:
        edit.echo += '^C\r\n';
        this.#line = [];
        edit.interrupt = true;
        return;
      case CTRL_D:
        // As on a tty: with text typed, Ctrl-D sends it without a newline;
        // on an empty line it means end of file.
        if (this.#line.length > 0) edit.lines.push(this.#take());
        else edit.endOfFile = true;
        return;
      default:
        if (key < ' ') return;  // other control keys are ignored
        this.#line.push(key);
        edit.echo += key;
    }
  }

  /** @returns {string} the typed line, now handed over */
  #take() {
    const line = this.#line.join('');
    this.#line = [];
    return line;
  }
}
