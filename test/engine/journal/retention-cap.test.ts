// planRetention with durable subscriptions: the size/age limits stop at the floor (the
// lowest gsn someone still needs), the caps do not (they are how a disk stays bounded),
// and the plan says a cap removed what was needed (stoppedBy 'cap').

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { planRetention } from '../../../engine/journal/internal.js'

// Four closed segments of 100 bytes holding gsns 1-10, 11-20, 21-30, 31-40; written at t=0..3.
const closed = [0, 1, 2, 3].map((i) => ({ firstGsn: i * 10 + 1, endGsn: i * 10 + 11, bytes: 100, mtimeMs: i, file: `s${i}` }))

test('maxBytes stops at the floor a durable subscription holds', () => {
  // Journal 450 B > 150: without a floor three segments would go; floor 15 keeps 11-20 and later.
  const p = planRetention(closed as never, 50, { maxBytes: 150 }, 10, 15)
  assert.deepEqual(p, { count: 1, stoppedBy: 'floor' })
})

test('a cap goes past the floor and says so', () => {
  const p = planRetention(closed as never, 50, { maxBytes: 150, capBytes: 250 }, 10, 15)
  // 450 -> 350 (segment 1 goes: under the floor) -> 250 (segment 2 goes: over the cap, past the floor) -> stop.
  assert.deepEqual(p, { count: 2, stoppedBy: 'cap' })
})

test('an age cap goes past the floor; the age limit alone does not', () => {
  assert.deepEqual(planRetention(closed as never, 50, { maxAgeMs: 5 }, 100, 1), { count: 0, stoppedBy: 'floor' })
  assert.deepEqual(planRetention(closed as never, 50, { maxAgeMs: 5, capAgeMs: 98 }, 100, 1), { count: 2, stoppedBy: 'cap' })
})

test('with no floor in the way the limits behave as before', () => {
  assert.deepEqual(planRetention(closed as never, 50, { maxBytes: 150 }, 10, Number.POSITIVE_INFINITY), { count: 3, stoppedBy: 'policy' })
})
