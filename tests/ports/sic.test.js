// sic 1.1 from Debian (suckless IRC client), built unmodified with its
// Makefile + config.mk (guest/ports/sic), against an IRC server on 127.0.0.1.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';

import { startGuest, until, usePorts } from './guest_run.js';

const built = usePorts(['sic']);

test('sic chats on an IRC server: registers, joins, reads and sends channel messages, answers PING', async () => {
  /** @type {string[]} */
  const heard = [];
  /** @type {(line: string) => void} */
  let onLine = () => {};
  const server = net.createServer((socket) => {
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk;
      for (let end; (end = pending.indexOf('\r\n')) >= 0; pending = pending.slice(end + 2)) {
        const line = pending.slice(0, end);
        heard.push(line);
        onLine(line);
        if (line.startsWith('USER ')) socket.write(':irc.test 001 wasm :Welcome to the test network\r\n');
        if (line === 'JOIN #sockbridge') {
          socket.write(':wasm!w@wasm JOIN #sockbridge\r\n');
          socket.write(':alice!a@home PRIVMSG #sockbridge :hello wasm\r\n');
        }
        if (line.startsWith('PRIVMSG ')) socket.write('PING :token-42\r\n');
        if (line.startsWith('PONG ')) socket.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {net.AddressInfo} */ (server.address()).port;
  try {
    const guest = startGuest(path.join(built.sic, 'sic'), ['-h', '127.0.0.1', '-p', String(port), '-n', 'wasm']);
    onLine = (line) => line.startsWith('USER ') && guest.child.stdin.write(':j #sockbridge\n');
    await until(guest, () => guest.output.stdout.includes('<alice> hello wasm'), "alice's message was shown");
    guest.child.stdin.write('hello alice\n');
    const result = await guest.exited;
    assert.deepEqual(heard, [
      'NICK wasm',
      'USER wasm localhost 127.0.0.1 :wasm',
      'JOIN #sockbridge',
      'PRIVMSG #sockbridge :hello alice',
      'PONG token-42',
    ]);
    const shown = result.stdout.toString();
    assert.match(shown, /^irc\.test\s+: \S+ \S+ >< 001 \(wasm\): Welcome to the test network$/m);
    assert.match(shown, /^#sockbridge\s+: \S+ \S+ <alice> hello wasm$/m);
    assert.match(shown, /^#sockbridge\s+: \S+ \S+ <wasm> hello alice$/m);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /sic: remote host closed connection/);
  } finally {
    server.close();
  }
});
