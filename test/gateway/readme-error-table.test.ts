// gateway/README.md lists every wire error code exactly as the table in
// codec/error-codes.ts has it (number, name, ref, whether it closes).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { closeCodeFor, ERROR_CODES } from '../../codec/error-codes.js'

test('the README error table matches error-codes.ts', () => {
  const readme = readFileSync(new URL('../../../gateway/README.md', import.meta.url), 'utf8')
  const rows = readme.split('\n').filter((l) => /^\| \d+ \| [A-Z_]+ \|/.test(l))
  assert.equal(rows.length, ERROR_CODES.length)
  for (const [i, e] of ERROR_CODES.entries()) {
    const cells = rows[i]!.split('|').map((c) => c.trim())
    assert.equal(Number(cells[1]), e.code)
    assert.equal(cells[2], e.name)
    assert.equal(cells[3], e.ref)
    assert.equal(cells[4], e.closes ? `yes (${closeCodeFor(e.code)})` : 'no')
    assert.equal(cells[5], e.meaning)
  }
})
