// A payload that is neither bytes (Uint8Array, Buffer) nor a string is refused with a
// named error (BAD_ARGUMENT), leaves no promise pending and does not crash the process.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeEnd, runChild } from './procs/run-child.js'

test('non-bytes payloads are refused with BAD_ARGUMENT; nothing pending, the process ends normally', { timeout: 60_000 }, async () => {
  const end = await runChild('bad-payload', [], 30_000)
  const why = describeEnd(end)
  assert.equal(end.timedOut, false, why)
  assert.equal(end.code, 0, why)
  const refused = end.stdout.split('\n').filter((l) => l.startsWith('refused: '))
  assert.equal(refused.length, 8, why)
  for (const line of refused) {
    assert.match(line, /name=EngineArgumentError code=BAD_ARGUMENT message=payload must be a Uint8Array or a string: /, line)
  }
  assert.doesNotMatch(end.stdout, /accepted:/)
  assert.match(end.stdout, /good publish: gsn=1\n/, 'refused payloads must not take a gsn')
  assert.match(end.stdout, /closed/)
})
