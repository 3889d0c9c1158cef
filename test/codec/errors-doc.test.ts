// docs/errors.md lists every error code ordo has: each protocol code with its number,
// name and whether a retry can succeed (in the order of codec/error-codes.ts), and every
// string code of the engine, the journal, the rings and the client library.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { ERROR_CODES } from '../../codec/error-codes.js'
import { EngineErrorCode } from '../../engine/errors.js'
import { JournalErrorCode } from '../../engine/journal/errors.js'
import { RingErrorCode } from '../../engine/ring/ring-errors.js'
import { ClientErrorCode } from '../../gateway/client/errors.js'

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
const rows = doc.split('\n').filter((l) => l.startsWith('| '))

test('every protocol code is listed with its number, name, retryable and meaning', () => {
  const wire = rows.filter((l) => /^\| \d+ \| [A-Z_]+ \|/.test(l))
  assert.equal(wire.length, ERROR_CODES.length)
  ERROR_CODES.forEach((e, i) => {
    const cells = wire[i]!.split('|').map((c) => c.trim())
    assert.equal(Number(cells[1]), e.code)
    assert.equal(cells[2], e.name)
    assert.equal(cells[3], e.retryable ? 'yes' : 'no', e.name)
    assert.equal(cells[4], e.meaning)
  })
})

test('every string code of the engine, the journal, the rings and the client library is in a table', () => {
  const cellWords = new Set<string>()
  for (const r of rows) for (const cell of r.split('|')) for (const w of cell.split(/[\s,]+/)) if (/^[A-Z][A-Z_]+$/.test(w)) cellWords.add(w)
  const all = [...Object.values(EngineErrorCode), ...Object.values(JournalErrorCode), ...Object.values(RingErrorCode), ...Object.values(ClientErrorCode)]
  const missing = all.filter((c) => !cellWords.has(c) && c !== 'REFUSED')
  assert.deepEqual(missing, [])
})
