// input_queue: stdin for one run, as an async iterable of chunks. The terminal
// pushes lines as the person finishes them; the guest's run consumes them
// (shim-js reads any AsyncIterable as stdin) and sees end of file after end().

/** @implements {AsyncIterable<string>} */
export class InputQueue {
  /** @type {string[]} */
  #chunks = [];
  /** @type {(() => void) | null} */
  #wakeReader = null;
  #ended = false;

  /** @param {string} chunk */
  push(chunk) {
    if (this.#ended) return;
    this.#chunks.push(chunk);
    this.#wake();
  }

  /** End of file: the reader finishes once the queued chunks are taken. */
  end() {
    this.#ended = true;
    this.#wake();
  }

  #wake() {
    const wake = this.#wakeReader;
    this.#wakeReader = null;
    wake?.();
  }

  async *[Symbol.asyncIterator]() {
    for (;;) {
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        yield chunk;
        continue;
      }
      if (this.#ended) return;
      await new Promise((resolve) => (this.#wakeReader = () => resolve(undefined)));
    }
  }
}
