// netrw 1.3.2 (netread / netwrite) from Debian, built unmodified with its 2006
// autoconf script through sockbridge-configure (guest/ports/netrw).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';

import { closedPort } from '../browser/fixtures.js';
import { startGuest, until, usePorts } from './guest_run.js';

const built = usePorts(['netrw']);

test('netwrite sends 1 MiB to netread (netrw), both through the relay, and both verify the MD5', async () => {
  const payload = randomBytes(1 << 20);
  const md5 = createHash('md5').update(payload).digest('hex');
  const port = await closedPort();
  const reader = startGuest(path.join(built.netrw, 'src', 'netread'), ['-v', String(port)]);
  await until(reader, () => reader.output.stderr.includes(`listening on ${port}`), 'netread listened');
  const writer = await startGuest(path.join(built.netrw, 'src', 'netwrite'), ['-v', '127.0.0.1', String(port)], {
    stdin: payload,
  }).exited;
  reader.child.stdin.end();
  const read = await reader.exited;
  assert.equal(writer.code, 0, writer.stderr);
  assert.equal(read.code, 0, read.stderr);
  assert.equal(createHash('md5').update(read.stdout).digest('hex'), md5);
  for (const side of [writer.stderr, read.stderr]) {
    assert.match(side, new RegExp(`transmission checksum: ${md5}`));
    assert.match(side, /md5 checksum validation successful/);
  }
  assert.match(read.stderr, /accepted data connection from 127\.0\.0\.1:\d+/);
});
