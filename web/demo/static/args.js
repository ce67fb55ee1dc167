// args: how a typed argument line becomes argv[1..]. Words are separated by
// white space; there is no quoting, as in the examples the page offers.

/** @param {string} text @returns {string[]} */
export function splitArgs(text) {
  return text.trim() === '' ? [] : text.trim().split(/\s+/);
}
