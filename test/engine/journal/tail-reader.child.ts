// Worker for reader-while-writing.test.ts: tails a journal directory while the main thread
// appends, checks every record against the deterministic content of helpers.makeBatch, and
// posts a summary. workerData: { dir, shared: SharedArrayBuffer, useLimit: boolean }.
// shared (Float64Array view): [0] synced gsn published by the writer, [1] final gsn (0 until done).

import { parentPort, workerData } from 'node:worker_threads'
import { openReader } from '../../../engine/journal/index.js'
import { makeBatch } from './helpers.js'

const { dir, shared, useLimit } = workerData as { dir: string; shared: SharedArrayBuffer; useLimit: boolean }
const marks = new Float64Array(shared)
const reader = openReader(dir, 1, useLimit ? { limitGsn: 0 } : {})
let expected = 1
let records = 0
let nulls = 0
let error = ''
let beyondLimit = 0
const deadline = Date.now() + 30_000
try {
  for (;;) {
    // The writer publishes with a plain store after its fsync; Float64Array has no Atomics,
    // so the value may be seen late but never torn beyond what the writer stored (8-byte
    // aligned stores of a double are single writes on x64). Late is fine: we only poll.
    const synced = marks[0]!
    if (useLimit) reader.setLimit(synced)
    const v = reader.next()
    if (v === null) {
      nulls++
      const final = marks[1]!
      if (final > 0 && expected > final) break
      if (Date.now() > deadline) {
        error = `timeout at gsn ${expected}`
        break
      }
      continue
    }
    if (v.firstGsn !== expected) {
      error = `gap: expected ${expected}, got ${v.firstGsn}`
      break
    }
    if (useLimit && v.firstGsn > synced) beyondLimit++
    const want = makeBatch(v.firstGsn, v.count, v.length).bytes
    const got = v.bytes.subarray(v.offset, v.offset + v.length)
    if (Buffer.compare(Buffer.from(want.buffer, want.byteOffset, want.length), Buffer.from(got.buffer, got.byteOffset, got.length)) !== 0) {
      error = `bytes differ in record ${v.firstGsn}`
      break
    }
    expected = v.firstGsn + v.count
    records++
  }
} catch (err) {
  error = `threw: ${(err as Error).message}`
}
reader.close()
parentPort!.postMessage({ records, lastGsn: expected - 1, nulls, error, beyondLimit })
