// socket_table: the running guest's sockets as a live table. Rows update in
// place; a socket that is gone stays a moment as a fading "closed" row with
// its last byte counts, so a person sees short-lived connections too. Reports
// may come after every syscall; the table draws at most once per frame.

/** How long a closed socket stays in the table, fading, before it goes. */
const CLOSED_ROW_MS = 2000;

/** @typedef {import('./shim-js/src/embed.js').SocketInfo} SocketInfo */

export class SocketTable {
  #body;
  #empty;
  /** Rows of open sockets. @type {Map<number, HTMLTableRowElement>} fd → its row */
  #rows = new Map();
  /** The latest report. @type {Map<number, SocketInfo>} */
  #open = new Map();
  /** Sockets gone since the last drawing, as last reported. @type {SocketInfo[]} */
  #closed = [];
  #drawQueued = false;

  /** @param {HTMLTableElement} table @param {HTMLElement} emptyNote  shown while there are no rows */
  constructor(table, emptyNote) {
    this.#body = table.tBodies[0] ?? table.createTBody();
    this.#empty = emptyNote;
  }

  /** @param {SocketInfo[]} sockets  the kernel's current list */
  show(sockets) {
    const open = new Map(sockets.map((s) => [s.fd, s]));
    // Reports come after every syscall, so a closed fd is absent from at
    // least one of them before it can be reused.
    for (const [fd, last] of this.#open) if (!open.has(fd)) this.#closed.push(last);
    this.#open = open;
    if (this.#drawQueued) return;
    this.#drawQueued = true;
    requestAnimationFrame(() => this.#draw());
  }

  #draw() {
    this.#drawQueued = false;
    for (const last of this.#closed) {
      const row = this.#rows.get(last.fd) ?? this.#body.insertRow();
      this.#rows.delete(last.fd);
      this.#fill(row, { ...last, state: 'closed' });
      this.#fade(row);
    }
    this.#closed = [];
    for (const s of this.#open.values()) {
      let row = this.#rows.get(s.fd);
      if (!row) {
        row = this.#body.insertRow();
        this.#rows.set(s.fd, row);
      }
      this.#fill(row, s);
    }
    this.#updateEmptyNote();
  }

  /** @param {HTMLTableRowElement} row @param {SocketInfo} s */
  #fill(row, s) {
    const cells = [s.fd, s.kind, s.state, s.local || '—', s.peer || '—', s.bytesIn, s.bytesOut];
    row.replaceChildren(...cells.map((value) => Object.assign(document.createElement('td'), { textContent: String(value) })));
  }

  /** @param {HTMLTableRowElement} row */
  #fade(row) {
    row.classList.add('closed');
    setTimeout(() => {
      row.remove();
      this.#updateEmptyNote();
    }, CLOSED_ROW_MS);
  }

  #updateEmptyNote() {
    this.#empty.hidden = this.#body.rows.length > 0;
  }
}
