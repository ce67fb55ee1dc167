// errors: the ways a run fails that a page may want to tell apart, as classes
// (one definition; pages test `instanceof`, never the message text). Engine
// errors (WebAssembly.CompileError, LinkError, RuntimeError for a trap) keep
// their own classes. A run in a Web Worker rejects with the same classes: the
// worker sends each error as a plain record (toRecord) and the page's side
// makes it again (fromRecord), since structured clone keeps neither these
// classes nor WebAssembly's.

/** The run was stopped (its AbortSignal fired) before the guest exited. */
export class RunAborted extends Error {
  /** @param {string} [message] */
  constructor(message = 'run aborted') {
    super(message);
    this.name = 'RunAborted';
  }
}

/** The guest's file could not be fetched. */
export class GuestLoadError extends Error {
  /**
   * @param {string} url  what was fetched
   * @param {number} status  the HTTP status (404: not on this server)
   */
  constructor(url, status) {
    super(`could not load guest ${url}: HTTP ${status}`);
    this.name = 'GuestLoadError';
    this.url = url;
    this.status = status;
  }
}

/** Asyncify blocking was chosen (no JSPI, or asked for), and the guest is a plain build. */
export class AsyncifyBuildRequired extends Error {
  constructor() {
    super('this guest was not built with Asyncify (use the .asyncify.wasm file)');
    this.name = 'AsyncifyBuildRequired';
  }
}

/**
 * An error as plain data, for postMessage.
 * @typedef {{ kind: string, message: string, stack?: string, url?: string, status?: number }} ErrorRecord
 */

/** Classes made again by name on the page's side; anything else becomes an Error. */
const ENGINE_ERRORS = /** @type {const} */ (['CompileError', 'LinkError', 'RuntimeError']);

/** @param {unknown} error @returns {ErrorRecord} */
export function toRecord(error) {
  if (!(error instanceof Error)) return { kind: 'Error', message: String(error) };
  const record = { kind: 'Error', message: error.message, stack: error.stack };
  if (error instanceof GuestLoadError) return { ...record, kind: 'GuestLoadError', url: error.url, status: error.status };
  if (error instanceof AsyncifyBuildRequired) return { ...record, kind: 'AsyncifyBuildRequired' };
  if (error instanceof RunAborted) return { ...record, kind: 'RunAborted' };
  for (const kind of ENGINE_ERRORS) if (error instanceof WebAssembly[kind]) return { ...record, kind };
  return record;
}

/** @param {ErrorRecord} record @returns {Error} */
export function fromRecord(record) {
  /** @type {Error} */
  let error;
  if (record.kind === 'GuestLoadError') error = new GuestLoadError(record.url ?? '', record.status ?? 0);
  else if (record.kind === 'AsyncifyBuildRequired') error = new AsyncifyBuildRequired();
  else if (record.kind === 'RunAborted') error = new RunAborted(record.message);
  else if (ENGINE_ERRORS.includes(/** @type {any} */ (record.kind)))
    error = new WebAssembly[/** @type {typeof ENGINE_ERRORS[number]} */ (record.kind)](record.message);
  else error = new Error(record.message);
  if (record.stack) error.stack = record.stack;
  return error;
}
