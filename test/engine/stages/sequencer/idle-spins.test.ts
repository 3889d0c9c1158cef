// The sequencer's spin budget follows the machine: parking almost at once on small
// machines (spinning would take the core the dispatcher and publishers need), spinning on
// bigger ones; an explicit idleSpins wins, and both ends still sequence correctly.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Engine } from '../../../../engine/index.js'
import { defaultIdleSpins } from '../../../../engine/options.js'

test('default idle spins: 20 below 4 cores, 2000 from 4 cores', () => {
  assert.equal(defaultIdleSpins(1), 20)
  assert.equal(defaultIdleSpins(2), 20)
  assert.equal(defaultIdleSpins(3), 20)
  assert.equal(defaultIdleSpins(4), 2000)
  assert.equal(defaultIdleSpins(64), 2000)
})

for (const idleSpins of [0, 100_000]) {
  test(`idleSpins=${idleSpins}: messages published with pauses (the sequencer parks and wakes) are all delivered in order`, async () => {
    const engine = await Engine.open({ durability: 'memory', idleSpins })
    try {
      const seen: number[] = []
      const sub = engine.subscribe(['s'], {}, (b) => {
        while (b.next()) seen.push(b.gsnNumber)
      })
      await sub.live
      for (let i = 0; i < 50; i++) {
        await engine.publish(['s'], `m${i}`)
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20)) // long enough to park
      }
      const deadline = Date.now() + 5000
      while (seen.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
      assert.deepEqual(seen, Array.from({ length: 50 }, (_, k) => k + 1))
      sub.close()
    } finally {
      await engine.close()
    }
  })
}
