// The log's rule, without a server: which entries count. Forbidden outcomes: a batch of an old epoch counted
// after a newer EPOCH; a gsn counted twice or skipped; an entry read twice or a purged gap passed silently.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ClusterError,
  ClusterErrorCode,
  EntryKind,
  LogInterpreter,
  Verdict,
  encodeEpochRecord,
} from '../../../engine/cluster/index.js'
import { makeRecord } from './helpers.js'

const epoch = (e: number, committedGsn: number, node = 'n'): Uint8Array => encodeEpochRecord({ epoch: e, node, url: '', committedGsn })
const NONE = new Uint8Array(0)

test('batches count only in the current epoch and only when they continue the gsns', () => {
  const i = new LogInterpreter()
  assert.equal(i.apply(1, EntryKind.epoch, 1, epoch(1, 0, 'a')), Verdict.epoch)
  assert.equal(i.apply(2, EntryKind.batch, 1, makeRecord(1, 3, 10)), Verdict.batch)
  assert.equal(i.batchFirstGsn, 1)
  assert.equal(i.batchCount, 3)
  assert.equal(i.apply(3, EntryKind.heartbeat, 1, NONE), Verdict.heartbeat)
  assert.equal(i.apply(4, EntryKind.batch, 1, makeRecord(5, 1, 10)), Verdict.stale, 'gap in gsns: 4 missing')
  assert.equal(i.apply(5, EntryKind.batch, 1, makeRecord(4, 2, 10)), Verdict.batch)
  assert.equal(i.lastGsn, 5)
  // EPOCH 2 (b) fenced on seq 5; then the old leader's pipeline lands.
  assert.equal(i.apply(6, EntryKind.epoch, 2, epoch(2, 5, 'b')), Verdict.epoch)
  assert.equal(i.leader?.node, 'b')
  assert.equal(i.apply(7, EntryKind.batch, 1, makeRecord(6, 1, 10)), Verdict.stale, 'old epoch after a new EPOCH')
  assert.equal(i.apply(8, EntryKind.heartbeat, 1, NONE), Verdict.stale)
  assert.equal(i.apply(9, EntryKind.batch, 2, makeRecord(6, 2, 10)), Verdict.batch)
  assert.equal(i.apply(10, EntryKind.batch, 2, makeRecord(6, 2, 10)), Verdict.stale, 'the same gsns again')
  assert.equal(i.apply(11, EntryKind.epoch, 2, epoch(2, 7)), Verdict.stale, 'an EPOCH not newer than the current one')
  assert.equal(i.apply(12, undefined, -1, new Uint8Array([1, 2, 3])), Verdict.foreign)
  assert.equal(i.apply(13, EntryKind.batch, -1, makeRecord(8, 1, 10)), Verdict.foreign, 'no epoch header')
  assert.equal(i.lastSeq, 13)
  assert.equal(i.lastValidSeq, 9)
  assert.equal(i.nextGsn, 8)
  assert.deepEqual(i.position(), { epoch: 2, nextGsn: 8, lastSeq: 13, leader: i.leader })
})

test('a reader that skips or repeats an entry, or reads across a purged range, stops with an error', () => {
  const i = new LogInterpreter()
  i.apply(1, EntryKind.epoch, 1, epoch(1, 0))
  assert.throws(() => i.apply(1, EntryKind.heartbeat, 1, NONE), (e: unknown) => e instanceof ClusterError && /read twice or out of order/.test(e.message))
  assert.throws(() => i.apply(3, EntryKind.heartbeat, 1, NONE), (e: unknown) => e instanceof ClusterError && e.code === ClusterErrorCode.badEntry && /purged below this reader/.test(e.message))
  // Starting from a saved position is how a node resumes (or starts above a purge).
  const resumed = new LogInterpreter({ epoch: 1, nextGsn: 100, lastSeq: 40 })
  assert.equal(resumed.apply(41, EntryKind.batch, 1, makeRecord(100, 5, 8)), Verdict.batch)
})

test('broken ordo entries stop the reader instead of being skipped', () => {
  const i = new LogInterpreter()
  i.apply(1, EntryKind.epoch, 1, epoch(1, 0))
  const rec = makeRecord(1, 1, 40)
  rec[30] = rec[30]! ^ 0xff
  assert.throws(() => i.apply(2, EntryKind.batch, 1, rec), /crc32c mismatch/)
  const j = new LogInterpreter()
  assert.throws(() => j.apply(1, EntryKind.epoch, 1, new TextEncoder().encode('{')), /EPOCH entry is not JSON/)
  const k = new LogInterpreter()
  assert.throws(() => k.apply(1, EntryKind.epoch, 2, epoch(1, 0)), /header and body disagree/)
  const m = new LogInterpreter()
  assert.throws(() => m.apply(1, EntryKind.epoch, 1, epoch(1, 7)), /disagrees with the log before it/)
})
