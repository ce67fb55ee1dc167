// relay_status: where the relay is and whether it answers. The round-trip
// time is that of an HTTP GET of the relay's /healthz (answered at once,
// without touching the network beyond the relay), timed from this page.

/** Probes per measurement; the median is reported, so one slow connection setup does not count. */
const PROBES = 3;
const PROBE_TIMEOUT_MS = 3000;

/**
 * The relay's Wisp URL: `?relay=` if given, else the page's own origin (the
 * relay serves the page).
 * @param {Location | URL} page
 * @returns {string}
 */
export function relayUrlFor(page) {
  const given = new URLSearchParams(page.search).get('relay');
  if (given) return given;
  return `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}/wisp/`;
}

/**
 * The relay's /healthz as an http(s) URL.
 * @param {string} relayUrl  ws:// or wss://
 */
export function healthzUrl(relayUrl) {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/healthz';
  url.search = '';
  return url;
}

/**
 * @typedef {{ reachable: true, rttMs: number } | { reachable: false, error: string }} RelayProbe
 */

/**
 * Times a few GETs of the relay's /healthz. Works for a relay on another
 * origin too: a no-cors request still tells whether it answered.
 * @param {string} relayUrl
 * @returns {Promise<RelayProbe>}
 */
export async function probeRelay(relayUrl) {
  const url = healthzUrl(relayUrl);
  const times = [];
  try {
    for (let i = 0; i < PROBES; i++) {
      const started = performance.now();
      await fetch(url, { cache: 'no-store', mode: 'no-cors', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      times.push(performance.now() - started);
    }
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'no answer within 3 s' : 'connection failed';
    return { reachable: false, error: `${url.host} unreachable (${reason})` };
  }
  times.sort((a, b) => a - b);
  return { reachable: true, rttMs: times[Math.floor(times.length / 2)] };
}
