// Ring microbenchmark: one thread pings records through an SPSC ring, so this is the
// protocol's instruction cost (no cache-line transfer between cores; bare-ring-throughput
// measures that).
//
//   producer: tryClaim(100) ─ write 100 B ─ commit ──▶ [SPSC ring, 1 MiB] ──▶ consumer:
//             peek ─ read ─ advance ─ releaseAll
//
// Two cases: one record per commit and release (the worst case for the atomics), and 64
// records per commit and per release (how the ingress writer and the stages batch).

import { SpscRing } from '../../engine/ring/spsc-ring.js'
import { EMPTY } from '../../codec/results.js'
import type { MicroArea } from './measure.js'

const RECORD = 100
const CALL_RECORDS = 1024
const BATCH = 64

export function ringArea(): MicroArea {
  const ring = SpscRing.create(1 << 20)
  const bytes = ring.bytes
  const u32 = ring.u32
  const c = ring.consumer
  const payload = new Uint8Array(RECORD)
  for (let i = 0; i < RECORD; i++) payload[i] = (i * 7 + 1) & 0xff
  // Int32 counters: a double kept in a closure variable is boxed on every store, which
  // would be the harness's allocation, not the ring's.
  const st = new Int32Array(4) // 0 produced, 1 consumed, 2 checksum, 3 errors

  const pingOne = (): void => {
    for (let i = 0; i < CALL_RECORDS; i++) {
      const at = ring.tryClaim(RECORD, 1)
      if (at < 0) {
        st[3]++
        return
      }
      payload[0] = i & 0xff
      bytes.set(payload, at)
      ring.commit()
      st[0]++
      const r = c.peek()
      if (r === EMPTY) {
        st[3]++
        return
      }
      st[2] = (st[2]! + u32[r >>> 2]! + c.recordLength) | 0
      c.advance()
      c.releaseAll()
      st[1]++
    }
  }

  const pingBatch = (): void => {
    for (let b = 0; b < CALL_RECORDS / BATCH; b++) {
      for (let i = 0; i < BATCH; i++) {
        const at = ring.tryClaim(RECORD, 1)
        if (at < 0) {
          st[3]++
          return
        }
        bytes.set(payload, at)
      }
      ring.commit()
      st[0] += BATCH
      for (let r = c.peek(); r !== EMPTY; r = c.peek()) {
        st[2] = (st[2]! + u32[r >>> 2]! + c.recordLength) | 0
        c.advance()
        st[1]++
      }
      c.releaseAll()
    }
  }

  return {
    cases: [
      { area: 'ring', name: 'SPSC claim+write 100 B+commit / read+release', opsPerCall: CALL_RECORDS, unit: 'record', fn: pingOne },
      { area: 'ring', name: `SPSC same, ${BATCH} records per commit and release`, opsPerCall: CALL_RECORDS, unit: 'record', fn: pingBatch },
    ],
    check() {
      if (st[3] !== 0) throw new Error(`ring bench: ${st[3]} claims or reads failed (ring full or empty when it must not be)`)
      if (st[0] !== st[1] || st[0] === 0) throw new Error(`ring bench: produced=${st[0]}, consumed=${st[1]}`)
    },
    close() {},
  }
}
