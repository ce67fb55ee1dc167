// The trust anchors for guests that verify TLS servers (curl): Debian's
// ca-certificates bundle (Mozilla's roots), staged with the site as
// certs/ca-certificates.crt and handed to the guest read-only at the path
// Debian's curl reads, fetched once per page.

/** Where curl (and any guest built like it) looks for the bundle. */
export const CA_BUNDLE_PATH = '/etc/ssl/certs/ca-certificates.crt';

/** The bundle staged beside the page. */
export const STAGED_CA_BUNDLE = new URL('certs/ca-certificates.crt', import.meta.url).href;

/** @type {Map<string, Promise<Uint8Array>>} bundle URL → its bytes */
const fetched = new Map();

/**
 * run()'s files giving the guest the bundle at CA_BUNDLE_PATH. A failed fetch
 * is forgotten, so the next run tries again.
 * @param {string} [url]  the bundle (default: the one staged with the site)
 * @returns {Promise<Record<string, Uint8Array>>}
 */
export async function caBundleFiles(url = STAGED_CA_BUNDLE) {
  let bytes = fetched.get(url);
  if (!bytes) {
    bytes = fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`could not load the CA bundle ${url}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    });
    fetched.set(url, bytes);
    bytes.catch(() => fetched.delete(url));
  }
  return { [CA_BUNDLE_PATH]: await bytes };
}
