// BackoffIdleStrategy: spins for maxSpins idle calls, "yields" for maxYields, then parks
// with a timeout doubling from minParkMs to maxParkMs; any work resets it to spinning.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BackoffIdleStrategy } from '../../../engine/idle/backoff-idle-strategy.js'
import { AtomicsWaitParker } from '../../../engine/idle/atomics-wait-parker.js'
import type { Parker } from '../../../engine/idle/idle-strategy.js'

class RecordingParker implements Parker {
  timeouts: number[] = []
  park(timeoutMs: number): boolean {
    this.timeouts.push(timeoutMs)
    return false
  }
}

test('spins, yields, then parks with doubling timeouts capped at maxParkMs', () => {
  const parker = new RecordingParker()
  const idle = new BackoffIdleStrategy({ maxSpins: 5, maxYields: 3, minParkMs: 1, maxParkMs: 6, parker })
  // 1 call enters spinning, 5 more exceed maxSpins, 3 yields + 1 to exceed maxYields.
  for (let i = 0; i < 1 + 5 + 4; i++) idle.idle(0)
  assert.deepEqual(parker.timeouts, [])
  for (let i = 0; i < 5; i++) idle.idle(0)
  assert.deepEqual(parker.timeouts, [1, 2, 4, 6, 6])
  assert.equal(idle.parks, 5)
})

test('work resets the backoff to spinning, and so does reset()', () => {
  const parker = new RecordingParker()
  const idle = new BackoffIdleStrategy({ maxSpins: 2, maxYields: 1, minParkMs: 1, maxParkMs: 8, parker })
  for (let i = 0; i < 7; i++) idle.idle(0)
  assert.deepEqual(parker.timeouts, [1, 2])
  idle.idle(3)
  for (let i = 0; i < 5; i++) idle.idle(0)
  assert.deepEqual(parker.timeouts, [1, 2], 'after work: spinning again, no park yet')
  idle.idle(0)
  assert.deepEqual(parker.timeouts, [1, 2, 1], 'parks start again from minParkMs')
  idle.reset()
  for (let i = 0; i < 5; i++) idle.idle(0)
  assert.deepEqual(parker.timeouts, [1, 2, 1])
})

test('AtomicsWaitParker sleeps until the timeout when nobody notifies', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(8))
  const parker = new AtomicsWaitParker(i32, 1)
  assert.equal(parker.park(5), false)
  // A plain private parker is a timed sleep.
  assert.equal(new AtomicsWaitParker().park(1), false)
})
