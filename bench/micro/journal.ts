// Journal-append microbenchmark: Journal.append of one batch record to a real segment file
// in a temp dir, as the journal stage calls it: the batch bytes are a range inside a larger
// shared buffer (the sequenced ring), not a whole array.
//
//   [SharedArrayBuffer "ring"] ──append(bytes, offset, length, firstGsn, count)──▶ 1 MiB write buffer
//                                  (header, copy, CRC32C)          ──full──▶ writeSync ▶ segment file
//
// No fsync per operation (group commit happens per pass; journal-append.ts measures fsync):
// append only hands the buffer to the OS when it is full, so the write() cost is included,
// amortised. A third case is one async-mode pass: append + write() (one writeSync per pass).
// Batches are 64 and 1024 messages of a 136-byte canonical blob (100 B payload, 2 groups).
// The segment is 1 GiB, so no roll (which fsyncs) happens during a run.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Journal } from '../../engine/journal/index.js'
import type { MicroArea } from './measure.js'

const BLOB = 136
const SMALL = 64
const LARGE = 1024
const OFFSET = 4096 + 16 // a record payload's batch bytes start after its 16-byte header

export function journalArea(dirParent: string): MicroArea {
  const dir = fs.mkdtempSync(path.join(dirParent ?? os.tmpdir(), 'ordo-micro-journal-'))
  const journal = Journal.open({ dir, segmentBytes: 1024 * 1024 * 1024 })
  const ring = new Uint8Array(new SharedArrayBuffer(1 << 20))
  let x = 0x2468ace1
  for (let i = 0; i < ring.length; i++) {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    ring[i] = x & 255
  }
  const st = new Int32Array(2) // 0 messages appended, 1 batches appended
  const append = (count: number): void => {
    journal.append(ring, OFFSET, count * BLOB, journal.nextGsn, count)
    st[0] += count
    st[1]++
  }
  const small = (): void => append(SMALL)
  const large = (): void => append(LARGE)
  const pass = (): void => {
    append(LARGE)
    journal.write()
  }
  return {
    cases: [
      { area: 'journal', name: `append batch of ${SMALL} msgs (${SMALL * BLOB} B)`, opsPerCall: 1, unit: 'batch', perItem: SMALL, fn: small, maxTimeMs: 300, maxAllocOps: 20_000 },
      { area: 'journal', name: `append batch of ${LARGE} msgs (${LARGE * BLOB} B)`, opsPerCall: 1, unit: 'batch', perItem: LARGE, fn: large, maxTimeMs: 300, maxAllocOps: 2_000 },
      { area: 'journal', name: `append ${LARGE} msgs + write() (async pass)`, opsPerCall: 1, unit: 'batch', perItem: LARGE, fn: pass, maxTimeMs: 300, maxAllocOps: 2_000 },
    ],
    check() {
      journal.sync()
      const next = journal.nextGsn
      journal.close()
      const again = Journal.open({ dir })
      const ok = again.nextGsn === next && next === st[0]! + 1
      again.close()
      if (!ok) throw new Error(`journal bench: reopened nextGsn differs: expected=${st[0]! + 1}, before close=${next}`)
    },
    close() {
      try {
        journal.close()
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
