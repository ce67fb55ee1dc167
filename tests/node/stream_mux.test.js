// shim-js/src/stream_mux.js: several host kernels on one Wisp session. The
// frames are the golden vectors (protocol/vectors/), moved to other stream ids
// where a case needs it; what a kernel or the relay would see is asserted byte
// for byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { StreamMux } from '../../shim-js/src/stream_mux.js';
import { CLOSE_REASONS, acceptedStreamId, encodeClose, readHeader, withStreamIds } from '../../shim-js/src/wisp.js';

const vectorsDir = new URL('../../protocol/vectors/', import.meta.url);

/**
 * A vector's bytes, moved to another stream id if given.
 * @param {string} name  file name without .bin
 * @param {number} [streamId]
 */
function frame(name, streamId) {
  const bytes = new Uint8Array(readFileSync(new URL(`${name}.bin`, vectorsDir)));
  return streamId === undefined ? bytes : withStreamIds(bytes, streamId);
}

// The relay's offer, and what our host kernel answers to it (the same extension list).
const RELAY_INFO = frame('info_v2_relay_offer');
const KERNEL_INFO = frame('info_v2_relay_offer');
const SESSION_CONTINUE = frame('continue_initial');

/** @param {Uint8Array} bytes */
const streamId = (bytes) => readHeader(bytes)?.streamId;
/** @param {Uint8Array} bytes */
const payload = (bytes) => bytes.subarray(5);

/** A mux, the frames it sent to the relay, and kernels that record what they were given. */
function setup() {
  /** @type {Uint8Array[]} */
  const wire = [];
  const mux = new StreamMux((bytes) => wire.push(bytes));
  const kernel = () => {
    /** @type {Uint8Array[]} */
    const got = [];
    /** @type {string[]} */
    const refusals = [];
    const handle = mux.attach({ deliver: (bytes) => got.push(bytes), refuse: (message) => refusals.push(message) });
    handle.start();
    return { handle, got, refusals };
  };
  return { mux, wire, kernel };
}

/** Two kernels past the handshake, with what they received so far cleared. */
function twoReadyKernels() {
  const { mux, wire, kernel } = setup();
  const a = kernel();
  const b = kernel();
  mux.fromRelay(RELAY_INFO);
  a.handle.send(KERNEL_INFO);
  b.handle.send(KERNEL_INFO);
  mux.fromRelay(SESSION_CONTINUE);
  for (const k of [a, b]) k.got.length = 0;
  wire.length = 0;
  return { mux, wire, kernel, a, b };
}

test('the handshake happens once: the relay gets the first INFO only, every kernel gets INFO then CONTINUE', () => {
  const { mux, wire, kernel } = setup();
  const a = kernel();
  const b = kernel();
  mux.fromRelay(RELAY_INFO);
  assert.deepEqual(a.got, [RELAY_INFO]);
  assert.deepEqual(b.got, [RELAY_INFO]);
  a.handle.send(KERNEL_INFO);
  b.handle.send(KERNEL_INFO);
  assert.deepEqual(wire, [KERNEL_INFO], 'one INFO on the wire');
  mux.fromRelay(SESSION_CONTINUE);
  assert.deepEqual(a.got, [RELAY_INFO, SESSION_CONTINUE]);
  assert.deepEqual(b.got, [RELAY_INFO, SESSION_CONTINUE]);
});

test('a kernel attaching later gets the INFO replayed, and the CONTINUE only after its own INFO', () => {
  const { mux, wire, a } = twoReadyKernels();
  const late = [];
  const handle = mux.attach({ deliver: (bytes) => late.push(bytes), refuse: assert.fail });
  assert.deepEqual(late, [], 'nothing before start()');
  handle.start();
  assert.deepEqual(late, [RELAY_INFO]);
  handle.send(KERNEL_INFO);
  assert.deepEqual(late, [RELAY_INFO, SESSION_CONTINUE]);
  assert.deepEqual(wire, [], 'its INFO was not sent again');
  assert.deepEqual(a.got, [], 'the others see nothing of it');
});

test('a CONTINUE held for a kernel whose INFO has not come yet', () => {
  const { mux, kernel } = setup();
  const a = kernel();
  const b = kernel();
  mux.fromRelay(RELAY_INFO);
  a.handle.send(KERNEL_INFO);
  mux.fromRelay(SESSION_CONTINUE);
  assert.deepEqual(a.got, [RELAY_INFO, SESSION_CONTINUE]);
  assert.deepEqual(b.got, [RELAY_INFO]);
  b.handle.send(KERNEL_INFO);
  assert.deepEqual(b.got, [RELAY_INFO, SESSION_CONTINUE]);
});

test('a kernel asking for other extensions is refused and detached; the others carry on', () => {
  const { mux, wire, a } = twoReadyKernels();
  const odd = [];
  const refusals = [];
  const handle = mux.attach({ deliver: (bytes) => odd.push(bytes), refuse: (message) => refusals.push(message) });
  handle.start();
  handle.send(frame('info_v2_extension_metadata'));
  assert.deepEqual(odd, [RELAY_INFO, encodeClose(0, CLOSE_REASONS.incompatible_extensions)]);
  assert.equal(refusals.length, 1);
  assert.match(refusals[0], /asked the relay for Wisp extensions 0x02, 0x04, but the shared relay connection already uses 0x05, 0x53/);
  handle.send(frame('connect_tcp_ipv4'));
  assert.deepEqual(wire, [], 'a refused kernel sends nothing');
  a.handle.send(frame('connect_tcp_ipv4'));
  assert.equal(wire.length, 1);
});

test('a kernel logging in with other credentials is refused with a word about relayAuth', () => {
  const { mux, kernel } = setup();
  const first = kernel();
  const second = kernel();
  mux.fromRelay(frame('info_v2_relay_offer_all'));
  const login = frame('info_v2_client_credentials_window');
  first.handle.send(login);
  const otherPassword = login.slice();
  otherPassword[20] ^= 1;  // inside the password: same extensions, other metadata
  second.handle.send(otherPassword);
  assert.deepEqual(first.refusals, []);
  assert.equal(second.refusals.length, 1);
  assert.match(second.refusals[0], /differ from those the shared relay connection already uses: .* same relayAuth/);
});

test('two kernels both opening stream 1 get different wire ids, and each gets only its own replies', () => {
  const { wire, mux, a, b } = twoReadyKernels();
  a.handle.send(frame('connect_tcp_ipv4'));
  b.handle.send(frame('connect_tcp_hostname', 1));
  const [wireA, wireB] = wire.map(streamId);
  assert.notEqual(wireA, wireB);
  assert.deepEqual(payload(wire[0]), payload(frame('connect_tcp_ipv4')));
  assert.deepEqual(payload(wire[1]), payload(frame('connect_tcp_hostname')));

  mux.fromRelay(frame('connected_ipv4', wireB));
  mux.fromRelay(frame('continue_max', wireB));
  mux.fromRelay(frame('data_text', wireB));
  assert.deepEqual(a.got, []);
  assert.deepEqual(b.got, [frame('connected_ipv4', 1), frame('continue_max', 1), frame('data_text', 1)]);

  mux.fromRelay(frame('close_blocked', wireA));
  assert.deepEqual(a.got, [frame('close_blocked', 1)]);
  assert.equal(b.got.length, 3);
});

test('every per-stream packet a kernel writes goes out on the stream\'s wire id with its payload unchanged', () => {
  const { wire, a, b } = twoReadyKernels();
  b.handle.send(frame('connect_tcp_ipv4', 4));  // takes wire id 1 first
  a.handle.send(frame('connect_tcp_ipv4', 4));
  wire.length = 0;
  const sent = ['data_text', 'data_empty', 'continue_zero', 'window_update_64k', 'shutdown', 'close_voluntary'].map(
    (name) => frame(name, 4),
  );
  for (const bytes of sent) a.handle.send(bytes);
  assert.deepEqual(wire, sent.map((bytes) => withStreamIds(bytes, 2)));
  wire.length = 0;
  a.handle.send(frame('data_text', 4));
  assert.deepEqual(wire, [], 'after its CLOSE the stream has no wire id');
});

test('RESOLVE request ids are mapped like streams and freed by RESOLVED; a late answer is dropped', () => {
  const { mux, wire, a, b } = twoReadyKernels();
  a.handle.send(frame('resolve_any'));
  b.handle.send(frame('resolve_ipv6', 9));
  const [wireA, wireB] = wire.map(streamId);
  assert.notEqual(wireA, wireB);
  assert.equal(mux.openIds, 2);
  mux.fromRelay(frame('resolved_name_not_found', wireB));
  mux.fromRelay(frame('resolved_two_addresses', wireA));
  assert.deepEqual(a.got, [frame('resolved_two_addresses', 9)]);
  assert.deepEqual(b.got, [frame('resolved_name_not_found', 9)]);
  assert.equal(mux.openIds, 0);
  mux.fromRelay(frame('resolved_two_addresses', wireA));
  assert.equal(a.got.length, 1);
});

test('an accepted connection goes to the listener\'s kernel, with an id in that kernel\'s relay id space', () => {
  const { mux, wire, a, b } = twoReadyKernels();
  a.handle.send(frame('listen_ipv4_any_port'));  // stream 11
  b.handle.send(frame('listen_ipv6_port', 11));  // also 11
  const [listenerA, listenerB] = wire.map(streamId);
  wire.length = 0;

  // The relay numbers accepted streams across the whole session: B's comes first.
  mux.fromRelay(frame('connected_listener', listenerB));
  mux.fromRelay(withStreamIds(frame('accepted_ipv4'), listenerB, 0x80000001));
  mux.fromRelay(withStreamIds(frame('accepted_ipv6'), listenerA, 0x80000002));
  assert.deepEqual(b.got, [frame('connected_listener', 11), withStreamIds(frame('accepted_ipv4'), 11, 0x80000001)]);
  assert.deepEqual(a.got, [withStreamIds(frame('accepted_ipv6'), 11, 0x80000001)]);
  assert.equal(acceptedStreamId(a.got[0]), 0x80000001, 'A\'s first accepted stream, in A\'s numbering');

  mux.fromRelay(frame('continue_max', 0x80000002));
  mux.fromRelay(frame('data_binary_accepted_stream', 0x80000002));
  assert.deepEqual(a.got.slice(1), [frame('continue_max', 0x80000001), frame('data_binary_accepted_stream', 0x80000001)]);
  assert.equal(b.got.length, 2);

  a.handle.send(frame('data_text', 0x80000001));
  b.handle.send(frame('data_text', 0x80000001));
  assert.deepEqual(wire, [frame('data_text', 0x80000002), frame('data_text', 0x80000001)]);
});

test('after the relay closes a stream its late frames are dropped, and so are the kernel\'s', () => {
  const { mux, wire, a } = twoReadyKernels();
  a.handle.send(frame('connect_tcp_ipv4'));
  const wireId = streamId(wire[0]);
  wire.length = 0;
  mux.fromRelay(frame('close_connection_reset', wireId));
  mux.fromRelay(frame('data_text', wireId));
  assert.deepEqual(a.got, [frame('close_connection_reset', 1)]);
  a.handle.send(frame('data_text', 1));
  assert.deepEqual(wire, []);
  assert.equal(mux.openIds, 0);
});

test('frames for wire ids nobody owns reach no kernel', () => {
  const { mux, a, b } = twoReadyKernels();
  mux.fromRelay(frame('data_text', 77));
  mux.fromRelay(frame('accepted_ipv4', 77));
  assert.deepEqual([a.got, b.got], [[], []]);
});

test('a session CLOSE from the relay reaches every kernel, and every kernel attaching afterwards', () => {
  const { mux, wire, kernel, a, b } = twoReadyKernels();
  a.handle.send(frame('connect_tcp_ipv4'));
  wire.length = 0;
  const sessionClose = frame('close_session_invalid_info');
  mux.fromRelay(sessionClose);
  assert.deepEqual(a.got, [sessionClose]);
  assert.deepEqual(b.got, [sessionClose]);
  assert.equal(mux.openIds, 0);
  const late = kernel();
  assert.deepEqual(late.got, [sessionClose]);
  a.handle.send(frame('data_text'));
  a.handle.detach();
  assert.deepEqual(wire, [], 'nothing more goes to a session that is over');
});

test('a kernel that detaches gets CLOSE sent for its open streams, not for its lookups; the other keeps its own', () => {
  const { mux, wire, a, b } = twoReadyKernels();
  a.handle.send(frame('connect_tcp_ipv4'));       // stream 1
  a.handle.send(frame('listen_ipv4_any_port'));   // listener 11
  a.handle.send(frame('resolve_ipv6'));           // request 10
  a.handle.send(frame('connect_udp'));            // stream 7, closed by the kernel itself below
  a.handle.send(frame('close_voluntary', 7));
  b.handle.send(frame('connect_tcp_ipv4'));
  const [connectA, listenA, resolveA, udpA, , connectB] = wire.map(streamId);
  mux.fromRelay(withStreamIds(frame('accepted_ipv4'), listenA, 0x80000001));
  wire.length = 0;

  a.handle.detach();
  const closes = wire.map((bytes) => ({ id: streamId(bytes), bytes }));
  assert.deepEqual(
    closes.map((c) => c.id).sort(),
    [connectA, listenA, 0x80000001].sort(),
    'CLOSE for the connection, the listener and the accepted stream',
  );
  for (const { id, bytes } of closes) assert.deepEqual(bytes, encodeClose(id, CLOSE_REASONS.voluntary));
  assert.ok(!closes.some((c) => c.id === udpA), 'not again for a stream the kernel closed itself');
  assert.ok(!closes.some((c) => c.id === resolveA), 'a lookup is no stream');

  wire.length = 0;
  mux.fromRelay(frame('data_text', connectA));
  assert.deepEqual(a.got, [withStreamIds(frame('accepted_ipv4'), 11, 0x80000001)], 'nothing after detaching');
  mux.fromRelay(frame('data_text', connectB));
  assert.deepEqual(b.got, [frame('data_text', 1)]);
  b.handle.send(frame('data_empty', 1));
  assert.deepEqual(wire, [frame('data_empty', connectB)]);
  assert.equal(mux.openIds, 1);
});

test('a CLOSE a kernel writes on stream 0 detaches that kernel only; it never reaches the relay', () => {
  const { mux, wire, a, b } = twoReadyKernels();
  a.handle.send(frame('connect_tcp_ipv4'));
  b.handle.send(frame('connect_tcp_ipv4'));
  const wireA = streamId(wire[0]);
  wire.length = 0;
  a.handle.send(encodeClose(0, CLOSE_REASONS.voluntary));
  assert.deepEqual(wire, [encodeClose(wireA, CLOSE_REASONS.voluntary)]);
  mux.fromRelay(SESSION_CONTINUE);
  assert.deepEqual(a.got, []);
  assert.deepEqual(b.got, [SESSION_CONTINUE]);
});

test('once the WebSocket ended nothing more is sent or delivered', () => {
  const { mux, wire, a } = twoReadyKernels();
  a.handle.send(frame('connect_tcp_ipv4'));
  const wireA = streamId(wire[0]);
  wire.length = 0;
  mux.end();
  mux.fromRelay(frame('data_text', wireA));
  a.handle.send(frame('data_text'));
  a.handle.detach();
  assert.deepEqual(a.got, []);
  assert.deepEqual(wire, []);
});

test('a frame shorter than a header from a kernel is a bug, said loudly', () => {
  const { a } = twoReadyKernels();
  assert.throws(() => a.handle.send(new Uint8Array([2, 1])), /shorter than a Wisp header/);
});
