// guest/README.md's table of ports is how people learn what runs: every
// recipe in guest/ports has its row, and the table names no port that has no
// recipe.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { ports } from '../../guest/ports/build.mjs';

test("every port in guest/ports has a row in guest/README.md's table, and every row a port", () => {
  const readme = readFileSync(new URL('../../guest/README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Proven on real programs'), readme.indexOf('## What is supported'));
  const rows = [...section.matchAll(/^\| `([^`]+)` /gm)].map((match) => match[1]).sort();
  assert.deepEqual(rows, Object.keys(ports).sort());
});
