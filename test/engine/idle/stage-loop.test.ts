// runStage: calls doWork until the stop word is set, passing each pass's work count to
// the idle strategy, and returns the total work.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runStage, type Stage } from '../../../engine/idle/stage.js'
import type { IdleStrategy } from '../../../engine/idle/idle-strategy.js'

test('runStage drives doWork through the idle strategy until stopped', () => {
  const stop = new Int32Array(new SharedArrayBuffer(4))
  const seen: number[] = []
  let resets = 0
  const idle: IdleStrategy = {
    idle: (n) => void seen.push(n),
    reset: () => void resets++,
  }
  let pass = 0
  const stage: Stage = {
    doWork(): number {
      pass++
      if (pass === 6) Atomics.store(stop, 0, 1)
      return pass % 2 === 0 ? pass : 0
    },
  }
  const total = runStage(stage, idle, stop, 0)
  assert.equal(pass, 6)
  assert.deepEqual(seen, [0, 2, 0, 4, 0, 6])
  assert.equal(total, 12)
  assert.equal(resets, 1)
})
