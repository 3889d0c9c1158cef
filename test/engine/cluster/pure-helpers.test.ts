// The small pure parts, without a server: URL and version rules, reading JetStream's publish answers,
// candidate ranking, the journal-record check, the gsn → seq index used for purging, names.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  ClusterError,
  GsnSeqIndex,
  SilenceDetector,
  clusterNames,
  parseNatsUrl,
  rankCandidates,
  takeoverDelayMs,
  versionAtLeast,
} from '../../../engine/cluster/index.js'
import { RecordCheck, checkRecord, checkRecords, entryLastGsn } from '../../../engine/cluster/batch-record.js'
import { AckClass, emptyPubAck, readPubAck } from '../../../engine/cluster/pub-ack.js'
import { makeRecord } from './helpers.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

test('NATS URLs and versions', () => {
  assert.deepEqual(parseNatsUrl('nats://127.0.0.1:4333'), { url: 'nats://127.0.0.1:4333', host: '127.0.0.1', port: 4333 })
  assert.deepEqual(parseNatsUrl('localhost'), { url: 'localhost', host: 'localhost', port: 4222 })
  assert.deepEqual(parseNatsUrl('nats://[::1]:5000'), { url: 'nats://[::1]:5000', host: '::1', port: 5000 })
  assert.throws(() => parseNatsUrl('tls://x:1'), /scheme tls:\/\/ is not supported/)
  assert.equal(versionAtLeast('2.10.0', '2.10.0'), true)
  assert.equal(versionAtLeast('2.15.1', '2.10.0'), true)
  assert.equal(versionAtLeast('v2.11.0-RC.1', '2.10.0'), true)
  assert.equal(versionAtLeast('2.9.10', '2.10.0'), false)
  assert.equal(versionAtLeast('1.99.99', '2.10.0'), false)
  assert.equal(versionAtLeast('garbage', '2.10.0'), false)
})

test("JetStream's answers are sorted into stored / fenced / retry / failed", () => {
  const a = emptyPubAck()
  assert.equal(readPubAck(enc('{"stream":"S","seq":42}'), false, a).cls, AckClass.stored)
  assert.equal(a.seq, 42)
  assert.equal(a.duplicate, false)
  readPubAck(enc('{"stream":"S","seq":41,"duplicate": true}'), false, a)
  assert.deepEqual([a.cls, a.seq, a.duplicate], [AckClass.stored, 41, true])
  readPubAck(enc('{"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 17"},"stream":"S","seq":0}'), false, a)
  assert.deepEqual([a.cls, a.errCode, a.actualLastSeq], [AckClass.fenced, 10071, 17])
  assert.equal(readPubAck(enc('{"error":{"code":400,"err_code":10164,"description":"wrong last sequence"}}'), false, a).cls, AckClass.fenced)
  assert.equal(a.actualLastSeq, 0)
  assert.equal(readPubAck(enc('{"error":{"code":409,"err_code":10158,"description":"duplicate message id is in process"}}'), false, a).cls, AckClass.retry)
  assert.equal(readPubAck(new Uint8Array(0), true, a).cls, AckClass.retry)
  assert.equal(readPubAck(enc('{"error":{"code":404,"err_code":10059,"description":"stream not found"}}'), false, a).cls, AckClass.failed)
  assert.equal(readPubAck(enc('not json'), false, a).cls, AckClass.failed)
})

test('candidates are ranked by how far they have read, then by name, the same way on every node', () => {
  const c = [
    { node: 'c', appliedSeq: 10 },
    { node: 'a', appliedSeq: 9 },
    { node: 'b', appliedSeq: 10 },
    { node: 'd', appliedSeq: -1 },
  ]
  assert.deepEqual(rankCandidates(c).map((x) => x.node), ['b', 'c', 'a', 'd'])
  assert.equal(takeoverDelayMs('b', c), 1000)
  assert.equal(takeoverDelayMs('c', c), 1300)
  assert.equal(takeoverDelayMs('a', c, { timeoutMs: 500, staggerMs: 100 }), 700)
  assert.equal(takeoverDelayMs('zz', c, { timeoutMs: 500, staggerMs: 100 }), 900, 'unknown nodes come last')
  const s = new SilenceDetector(1000, 0)
  assert.equal(s.isSilent(999), false)
  assert.equal(s.isSilent(1000), true)
  s.heard(1500)
  s.heard(1200) // an older observation never moves it back
  assert.equal(s.silentForMs(2000), 500)
})

test('a batch entry must be exactly one CRC-valid journal record', () => {
  const r = makeRecord(7, 2, 33)
  assert.equal(checkRecord(r), RecordCheck.ok)
  assert.equal(checkRecord(r.subarray(0, 20)), RecordCheck.tooShort)
  assert.equal(checkRecord(r.subarray(0, r.length - 8)), RecordCheck.badLength)
  const bad = r.slice()
  bad[24] = bad[24]! ^ 1
  assert.equal(checkRecord(bad), RecordCheck.badCrc)
  const magic = r.slice()
  magic[20] = 0
  assert.equal(checkRecord(magic), RecordCheck.badMagic)
})

test('a batch entry may hold several whole records back to back, each valid, gsns continuing', () => {
  const a = makeRecord(7, 2, 33)
  const b = makeRecord(9, 5, 100)
  const both = new Uint8Array(a.length + b.length)
  both.set(a, 0)
  both.set(b, a.length)
  assert.equal(checkRecords(both), RecordCheck.ok)
  assert.equal(entryLastGsn(both), 13)
  assert.equal(checkRecords(a), RecordCheck.ok)
  assert.equal(entryLastGsn(a), 8)
  assert.equal(checkRecord(both), RecordCheck.badLength, 'one record only: the single-record check refuses an entry of two')
  const gap = new Uint8Array(a.length + b.length)
  gap.set(a, 0)
  gap.set(makeRecord(10, 5, 100), a.length)
  assert.equal(checkRecords(gap), RecordCheck.badGsn)
  assert.equal(checkRecords(both.subarray(0, a.length + 20)), RecordCheck.tooShort)
  assert.equal(checkRecords(both.subarray(0, both.length - 8)), RecordCheck.badLength)
  const flipped = both.slice()
  flipped[a.length + 30] = flipped[a.length + 30]! ^ 1
  assert.equal(checkRecords(flipped), RecordCheck.badCrc)
})

test('GsnSeqIndex maps a gsn to the seq of the batch that holds it', () => {
  const ix = new GsnSeqIndex()
  ix.add(1, 2) // gsns 1..9 at seq 2
  ix.add(10, 3)
  ix.add(20, 7) // seqs 4..6 were heartbeats / stale entries
  assert.equal(ix.seqHolding(0), 0)
  assert.equal(ix.seqHolding(1), 2)
  assert.equal(ix.seqHolding(9), 2)
  assert.equal(ix.seqHolding(10), 3)
  assert.equal(ix.seqHolding(1000), 7)
  ix.dropBefore(3)
  assert.equal(ix.size, 2)
  assert.equal(ix.seqHolding(5), 0, 'dropped')
  assert.throws(() => ix.add(15, 8), ClusterError)
})

test('names derived from a cluster name; bad names are refused', () => {
  const n = clusterNames('prod-1')
  assert.equal(n.logStream, 'ORDO_prod-1')
  assert.equal(n.logSubject, 'ordo.prod-1.log')
  assert.equal(n.epochSubject, 'ordo.prod-1.epoch')
  assert.equal(n.nodeSubject('a_b'), 'ordo.prod-1.node.a_b')
  for (const bad of ['', 'a.b', 'a*', 'a b', 'x'.repeat(33)]) assert.throws(() => clusterNames(bad), /invalid cluster name/)
  assert.throws(() => n.nodeSubject('a.b'), /invalid node name/)
})
