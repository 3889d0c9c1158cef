// Sequencer-step microbenchmark: the Sequencer core class driven in one thread, the way
// its worker drives it (same option closures as sequencer.worker.ts), with rings we fill
// and drain ourselves.
//
//   feed: one ingress record of 64 messages ──▶ [ingress SPSC ring] ──doWork()──▶ Sequencer
//         (template copy + pseq patch)                     dedupe ▶ gsn ▶ gseqs ▶ stamp ▶ copy
//                                                                        │
//   drain: read batch records, check gsns ◀── [sequenced SPMC ring] ◀────┘ (same arena)
//
// Each call feeds one record and runs one doWork() (the record is taken into the open
// batch); every 16th call runs an extra doWork() that finds the ingress ring empty and
// so closes, commits and publishes the batch (batches of 1024 messages, ~140 KiB: the
// flood case sits between this and the 512 KiB limit), then drains the sequenced ring.
// Messages: 100 B payload, 1-3 groups among ids 1..64, one publisher (48-bit id), pseq
// consecutive (every message is fresh). A second case runs only the feed and drain
// (the harness's own cost, to subtract).

import { arenaLayout } from '../../engine/descriptors/arena-descriptor.js'
import { SpmcRing } from '../../engine/ring/spmc-ring.js'
import { SpscRing } from '../../engine/ring/spsc-ring.js'
import { Sequencer } from '../../engine/stages/sequencer/sequencer.js'
import { Dedupe } from '../../engine/stages/sequencer/dedupe.js'
import { GseqTable } from '../../engine/stages/sequencer/gseq-table.js'
import { ArenaIngressSource, ArenaSequencedSink } from '../../engine/stages/sequencer/ring-adapters.js'
import { RecordType, batchCount, batchFirstGsn } from '../../engine/descriptors/sequenced-record-descriptor.js'
import { INGRESS_HEADER, IngressType, writeIngressHeader } from '../../engine/descriptors/ingress-record-descriptor.js'
import { SLOT_MAX_GROUP, SLOT_SEQUENCED, SLOT_SEQ_STATS, SS_BATCHES, SS_MESSAGES, WATERMARK_BYTES, addU64, slotIndex, storeU64 } from '../../engine/descriptors/watermark-descriptor.js'
import { writeMessage } from '../../codec/index.js'
import { PSEQ_POS, PUBLISHER_POS } from '../../codec/message-layout.js'
import type { MicroArea } from './measure.js'

const PER_RECORD = 64
const FLUSH_EVERY = 16
const PAYLOAD = 100
const GROUP_IDS = 64
const PUBLISHER = 0x9abc_def0_1234
const PUBLISHER_2 = 0x9abc_def0_5678
const TWO_32 = 4294967296

export function sequencerArea(): MicroArea {
  // One Sequencer, as in the worker (a second instance in this isolate would change what
  // the JIT sees). The last case continues it as a long-running engine: gsns and a new
  // publisher's pseqs past 2^32 (doubles, not small integers).
  const p = pipeline()
  return {
    cases: [
      { area: 'sequencer', name: 'sequencer step (dedupe, gsn, gseqs, stamp, copy)', opsPerCall: PER_RECORD, unit: 'message', fn: p.step },
      { area: 'sequencer', name: 'harness only: feed ingress + drain (subtract)', opsPerCall: PER_RECORD, unit: 'message', fn: p.harness },
      { area: 'sequencer', name: 'sequencer step, gsn and pseq above 2^32', opsPerCall: PER_RECORD, unit: 'message', fn: p.step, setup: () => p.jump(TWO_32 + 1, TWO_32 + 1) },
    ],
    check: p.check,
    close() {},
  }
}

interface Pipeline {
  step: () => void
  harness: () => void
  /** Flush, check, then go on at gsn `gsn` with a new publisher starting at pseq `pseq`. */
  jump: (gsn: number, pseq: number) => void
  check: () => void
}

function pipeline(): Pipeline {
  const layout = arenaLayout(64 * 1024 * 1024, 1, 4 * 1024 * 1024, 1)
  const arena = new SharedArrayBuffer(layout.totalBytes)
  // Touch every page now: the first pass over fresh shared memory takes a page fault per
  // 4 KiB, which would be timed against the first case.
  new Uint8Array(arena).fill(1).fill(0)
  const out = SpmcRing.createIn(arena, layout.sequencedOffset, layout.sequencedCapacity, 1)
  const ingress = SpscRing.createIn(arena, layout.ingressOffsets[0]!, layout.ingressCapacity)
  const drain = out.consumer(0)
  const wm = new Int32Array(new SharedArrayBuffer(WATERMARK_BYTES))
  const MAXG = slotIndex(SLOT_MAX_GROUP)
  const SEQ = slotIndex(SLOT_SEQUENCED)
  const STATS = slotIndex(SLOT_SEQ_STATS)
  Atomics.store(wm, MAXG, GROUP_IDS)

  // The ingress record template: header + 64 canonical blobs; pseqs patched per feed.
  const payload = new Uint8Array(PAYLOAD)
  for (let i = 0; i < PAYLOAD; i++) payload[i] = (i * 29 + 3) & 0xff
  const scratch = new Uint8Array(PER_RECORD * 256)
  const pseqWord = new Int32Array(PER_RECORD) // i32 index (within the record) of each pseq's low half
  const publisherWord = new Int32Array(PER_RECORD) // ... and of each publisher id's
  let w = INGRESS_HEADER
  const groups = new Uint32Array(3)
  for (let i = 0; i < PER_RECORD; i++) {
    const n = 1 + (i % 3)
    for (let k = 0; k < n; k++) groups[k] = 1 + ((i * 7 + k * 13) % GROUP_IDS)
    pseqWord[i] = (w + PSEQ_POS) >> 2
    w += writeMessage(scratch, w, PUBLISHER, 1, groups, n, payload, 0, PAYLOAD)
    publisherWord[i] = pseqWord[i]! - (PSEQ_POS - PUBLISHER_POS) / 4
  }
  const template = scratch.slice(0, w)
  writeIngressHeader(new Int32Array(template.buffer), 0, PER_RECORD)
  const ingressBytes = ingress.bytes
  const ingressI32 = ingress.i32

  const origin = performance.timeOrigin
  const seq: Sequencer = new Sequencer({
    bytes: new Uint8Array(arena),
    i32: new Int32Array(arena),
    ingress: [new ArenaIngressSource(ingress.consumer, ingress.dataOffset)],
    out: new ArenaSequencedSink(out.producer, out.dataOffset, out.maxPayloadLength),
    dedupe: new Dedupe(100_000),
    gseqs: new GseqTable(),
    nextGsn: 1,
    batchMaxMessages: 4096,
    batchMaxBytes: 512 * 1024,
    maxGroups: 16,
    // The same closures as sequencer.worker.ts (what the worker pays per record and batch).
    maxGroupId: () => Atomics.load(wm, MAXG),
    clockUs: () => Math.floor((origin + performance.now()) * 1000),
    onCommit: (lastGsn, messages, batches) => {
      storeU64(wm, SEQ, lastGsn)
      addU64(wm, STATS + SS_MESSAGES, messages)
      addU64(wm, STATS + SS_BATCHES, batches)
    },
  })

  // State in typed arrays: doubles stored in closure variables are boxed (the harness's
  // allocation). u64 values as doubles, counters as int32.
  const big = new Float64Array(2) // 0 next pseq, 1 next expected gsn
  big[0] = 1
  big[1] = 1
  let firstGsn = 1
  const st = new Int32Array(8) // 1 calls, 2 drained msgs, 4 errors, 5 fed msgs, 6 harness calls
  const feed = (): void => {
    const at = ingress.tryClaim(template.length, IngressType.blobs)
    if (at < 0) {
      st[4]++
      return
    }
    ingressBytes.set(template, at)
    const base = at >> 2
    const pseq = big[0]!
    const hi = Math.floor(pseq / TWO_32)
    let lo = pseq >>> 0 // the pseqs of one record never cross a 2^32 boundary here
    for (let i = 0; i < PER_RECORD; i++) {
      const k = base + pseqWord[i]!
      ingressI32[k] = lo++
      ingressI32[k + 1] = hi
    }
    big[0] = pseq + PER_RECORD
    ingress.commit()
    st[5] += PER_RECORD
  }
  const onBatch = (_b: Uint8Array, at: number, _len: number, type: number): void => {
    if (type !== RecordType.batch) return
    const i32 = out.i32
    const count = batchCount(i32, at)
    if (count === 0) return
    const first = batchFirstGsn(i32, at)
    if (first !== big[1]) st[4]++
    big[1] = first + count
    st[2] += count
  }
  const drainAll = (): void => {
    drain.read(onBatch)
    drain.releaseAll()
  }

  const step = (): void => {
    feed()
    seq.doWork()
    st[1] = st[1]! + 1
    if (st[1] % FLUSH_EVERY === 0) {
      seq.doWork() // ingress empty: closes and commits the batch
      drainAll()
    }
  }
  // Harness only: the same feed, the ingress record consumed without sequencing.
  const ic = ingress.consumer
  const harness = (): void => {
    feed()
    if (ic.peek() >= 0) ic.advance()
    ic.releaseAll()
    st[6] = st[6]! + 1
    if (st[6] % FLUSH_EVERY === 0) drainAll()
  }

  const check = (): void => {
      seq.flush()
      drainAll()
      const sequenced = big[1]! - firstGsn
      if (st[4] !== 0) throw new Error(`sequencer bench: ${st[4]} errors (ingress full or gsn out of order)`)
      if (seq.duplicates !== 0 || seq.rejects !== 0 || seq.malformed !== 0) {
        throw new Error(`sequencer bench: duplicates=${seq.duplicates}, rejects=${seq.rejects}, malformed=${seq.malformed}`)
      }
      if (sequenced !== seq.messages || sequenced <= 0 || st[2] !== sequenced) {
        throw new Error(`sequencer bench: drained ${st[2]} messages up to gsn ${big[1]! - 1}, sequencer counted ${seq.messages}`)
      }
  }
  const jump = (gsn: number, pseq: number): void => {
    check()
    const v = new DataView(template.buffer)
    for (let i = 0; i < PER_RECORD; i++) v.setUint32(publisherWord[i]! * 4, PUBLISHER_2 >>> 0, true)
    for (let i = 0; i < PER_RECORD; i++) v.setUint32(publisherWord[i]! * 4 + 4, Math.floor(PUBLISHER_2 / TWO_32), true)
    seq.nextGsn = gsn
    firstGsn = gsn
    big[1] = gsn
    big[0] = pseq
    seq.messages = 0
    st[2] = 0
  }
  return { step, harness, jump, check }
}
