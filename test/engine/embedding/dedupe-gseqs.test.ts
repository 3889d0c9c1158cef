// A resend of a (publisher, pseq) that was already sequenced is answered with the
// original gsn AND the original gseqs (it once answered gseqs: []), before and after a
// restart (the answer then comes from what the sequencer rebuilt from the journal).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../../../engine/index.js'

test('a deduplicated resend returns the original gsn and gseqs, also after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-dedupe-gseqs-'))
  const publisher = 4242n
  try {
    let engine = await Engine.open({ dataDir: dir })
    await engine.publish(['x'], 'x1', { publisher, pseq: 1n })
    await engine.publish(['y'], 'y1', { publisher, pseq: 2n })
    const first = await engine.publish(['x', 'y', 'z'], 'xyz', { publisher, pseq: 3n })
    assert.deepEqual(first.gseqs, [2n, 2n, 1n])
    const resend = await engine.publish(['x', 'y', 'z'], 'xyz', { publisher, pseq: 3n })
    assert.equal(resend.gsn, first.gsn)
    assert.deepEqual(resend.gseqs, first.gseqs)
    const older = await engine.publish(['x'], 'x1', { publisher, pseq: 1n })
    assert.deepEqual(older, { gsn: 1n, gseqs: [1n] })
    await engine.close()

    engine = await Engine.open({ dataDir: dir })
    try {
      const again = await engine.publish(['x', 'y', 'z'], 'xyz', { publisher, pseq: 3n })
      assert.equal(again.gsn, first.gsn)
      assert.deepEqual(again.gseqs, first.gseqs)
    } finally {
      await engine.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
