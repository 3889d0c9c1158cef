// runUntilFinished: the pipeline's worker stages drain before they stop. The loop asks
// finished() only after a pass that found no work, so work that arrives after the stop
// request is still done, and it idles through the strategy between passes.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runUntilFinished, type DrainingStage } from '../../../engine/idle/stage.js'
import type { IdleStrategy } from '../../../engine/idle/idle-strategy.js'

test('runUntilFinished drains: it stops at the first empty pass once finished() says so', () => {
  const idled: number[] = []
  let resets = 0
  const idle: IdleStrategy = { idle: (n) => void idled.push(n), reset: () => void resets++ }
  const work = [3, 0, 0, 2, 1, 0, 0]
  let pass = 0
  let asked = 0
  const stage: DrainingStage = {
    doWork: () => work[pass++] ?? 0,
    // Stop requested from the third pass on; work still arrives in passes 4 and 5.
    finished: () => {
      asked++
      return pass >= 3
    },
  }
  runUntilFinished(stage, idle)
  // Pass 1 worked, pass 2 was empty but not finished, pass 3 empty and finished: stop.
  assert.equal(pass, 3)
  assert.equal(asked, 2, 'finished() is asked only after empty passes')
  assert.deepEqual(idled, [3, 0])
  assert.equal(resets, 1)
})

test('a stage whose stop comes while work keeps arriving finishes the work first', () => {
  const idle: IdleStrategy = { idle: () => {}, reset: () => {} }
  let queue = 5
  let done = 0
  const stage: DrainingStage = {
    doWork: () => {
      if (queue === 0) return 0
      queue--
      done++
      return 1
    },
    finished: () => true,
  }
  runUntilFinished(stage, idle)
  assert.equal(done, 5)
  assert.equal(queue, 0)
})
