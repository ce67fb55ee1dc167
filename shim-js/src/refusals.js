// refusals: the relay's policy decisions, in plain words. The guest only sees
// an errno (EPERM for "blocked", EACCES for a refused login), so a person would not
// learn why; this reads the reason the relay put on the wire
// (protocol/PROTOCOL.md: CLOSE and RESOLVED) and says it as a sentence for the page.

import { CLOSE_REASONS, HEADER_BYTES, PACKET_TYPES } from './wisp.js';

const PACKET_CLOSE = PACKET_TYPES.close.value;
const PACKET_RESOLVED = PACKET_TYPES.resolved.value;
const REASON_BLOCKED = CLOSE_REASONS.blocked;
const REASON_THROTTLED = CLOSE_REASONS.throttled;
const REASON_AUTH_BAD_PASSWORD = CLOSE_REASONS.auth_bad_password;
const REASON_AUTH_BAD_SIGNATURE = CLOSE_REASONS.auth_bad_signature;
const REASON_AUTH_REQUIRED = CLOSE_REASONS.auth_required;

const BLOCKED_HINT =
  'a relay started without --dev refuses loopback, private and link-local addresses, ' +
  'and opens listening sockets only with --allow-listen, on ports in its allowed range';

/**
 * Describes a relay frame that refused something on policy grounds, or
 * returns null for every other frame.
 * @param {Uint8Array} frame  one Wisp message from the relay
 * @returns {string | null}
 */
export function describeRefusal(frame) {
  if (frame.length <= HEADER_BYTES) return null;
  const type = frame[0];
  const reason = frame[HEADER_BYTES];
  if (type === PACKET_CLOSE && reason === REASON_BLOCKED)
    return `the relay's policy refused a connection (close reason 0x48 "blocked": the address or port is not allowed; ${BLOCKED_HINT})`;
  if (type === PACKET_CLOSE && reason === REASON_THROTTLED)
    return 'the relay refused a connection because one of its limits was reached (close reason 0x49 "throttled")';
  if (type === PACKET_CLOSE && reason === REASON_AUTH_REQUIRED)
    return (
      'the relay requires a login (close reason 0xc2 "authentication required"): pass relayAuth: { username, password } ' +
      'or relayKey to run() (the CLI: SOCKBRIDGE_RELAY_USER and SOCKBRIDGE_RELAY_PASSWORD, or --relay-key FILE)'
    );
  if (type === PACKET_CLOSE && reason === REASON_AUTH_BAD_PASSWORD)
    return 'the relay refused the login (close reason 0xc0 "authentication failed: bad password"): check relayAuth';
  if (type === PACKET_CLOSE && reason === REASON_AUTH_BAD_SIGNATURE)
    return (
      'the relay refused the key login (close reason 0xc1 "authentication failed: bad signature"): ' +
      'relayKey is not one of the keys in its --authorized-keys file'
    );
  if (type === PACKET_RESOLVED && reason === REASON_BLOCKED)
    return `the relay's policy refused to resolve a name (status 0x48 "blocked": one of its addresses is not allowed; ${BLOCKED_HINT})`;
  return null;
}
