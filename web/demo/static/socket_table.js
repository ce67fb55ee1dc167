// socket_table: the running guest's sockets as a live table. Rows update in
// place; a socket that is gone stays a moment as a fading "closed" row, so a
// person sees short-lived connections too.

/** How long a closed socket stays in the table, fading, before it goes. */
const CLOSED_ROW_MS = 2000;

export class SocketTable {
  #body;
  #empty;
  /** @type {Map<number, HTMLTableRowElement>} fd → its row */
  #rows = new Map();

  /** @param {HTMLTableElement} table @param {HTMLElement} emptyNote  shown while there are no rows */
  constructor(table, emptyNote) {
    this.#body = table.tBodies[0] ?? table.createTBody();
    this.#empty = emptyNote;
  }

  /** @param {import('./shim-js/src/embed.js').SocketInfo[]} sockets  the kernel's current list */
  show(sockets) {
    const seen = new Set();
    for (const s of sockets) {
      seen.add(s.fd);
      let row = this.#rows.get(s.fd);
      if (!row || row.classList.contains('closed')) {
        row?.remove();
        row = this.#body.insertRow();
        this.#rows.set(s.fd, row);
      }
      const cells = [s.fd, s.kind, s.state, s.local || '—', s.peer || '—', s.bytesIn, s.bytesOut];
      row.replaceChildren(...cells.map((value) => Object.assign(document.createElement('td'), { textContent: String(value) })));
    }
    for (const [fd, row] of this.#rows) {
      if (!seen.has(fd) && !row.classList.contains('closed')) this.#fade(fd, row);
    }
    this.#empty.hidden = this.#rows.size > 0;
  }

  /** @param {number} fd @param {HTMLTableRowElement} row */
  #fade(fd, row) {
    row.classList.add('closed');
    row.cells[2].textContent = 'closed';
    setTimeout(() => {
      row.remove();
      if (this.#rows.get(fd) === row) this.#rows.delete(fd);
      this.#empty.hidden = this.#rows.size > 0;
    }, CLOSED_ROW_MS);
  }
}
