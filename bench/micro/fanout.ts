// Fan-out microbenchmark: the dispatcher's pass over durable batches, with 100 live
// subscriptions, in one thread (memory mode: no journal, no catch-up).
//
//   [sequenced SPMC ring] ──pass()──▶ for each message: match its 1-3 groups against the
//   one batch of 64 msgs            interests (distinct group sets of 100 subscriptions)
//                                   ──▶ copy the blob into each matching interest's Deliver
//                                   frame ──▶ end of pass: one frame per interest, handed to
//                                   each of its subscriptions (the sink counts messages)
//
// Subscriptions take 1-4 groups each out of 64 (fixed pseudo-random sets), so a message
// lands in ~8 interests. Each call writes one batch record of 64 messages into the ring
// (template copy, header with the next gsn), moves the sequenced and durable watermarks,
// and runs Dispatcher.pass(). The ring write and watermark stores are included.
//
// Three cases, one dispatcher each:
//   no filter        subscriptions see every group of a message (open mode)
//   filter, all seen each subscription has a group filter (a token) that sees every group:
//                    the per-message visibility check, then the same copy
//   filter, 1/4 hid. the filter hides group ids 49-64 (subscriptions use 1-48 only): messages
//                    naming a hidden group are written as trimmed copies

import { SpmcRing } from '../../engine/ring/spmc-ring.js'
import { Doorbell } from '../../engine/ring/doorbell.js'
import { Dispatcher } from '../../engine/stages/fanout/dispatcher.js'
import { BATCH_BYTES, BATCH_COUNT, BATCH_FIRST_GSN_HI, BATCH_FIRST_GSN_LO, BATCH_HEADER, RecordType } from '../../engine/descriptors/sequenced-record-descriptor.js'
import { SLOT_DURABLE, SLOT_SEQUENCED, WATERMARK_BYTES, slotIndex, storeU64 } from '../../engine/descriptors/watermark-descriptor.js'
import { MessageCursor, verifyFrame, writeMessage } from '../../codec/index.js'
import type { FrameSink, GroupFilter } from '../../engine/engine-port.js'
import type { MicroArea, MicroCase } from './measure.js'

const PER_BATCH = 64
const SUBSCRIPTIONS = 100
const GROUP_IDS = 64
const PAYLOAD = 100
const PUBLISHER = 0x9abc_def0_1234
/** Ids from here up are hidden by the "hides 1/4" filter. */
const FIRST_HIDDEN = 49

type Variant = 'none' | 'all' | 'quarter'

export async function fanoutArea(): Promise<MicroArea> {
  const parts = [await fanoutCase('none'), await fanoutCase('all'), await fanoutCase('quarter')]
  return {
    cases: parts.map((p) => p.case),
    check() {
      for (const p of parts) p.check()
    },
    close() {
      for (const p of parts) p.close()
    },
  }
}

async function fanoutCase(variant: Variant): Promise<{ case: MicroCase; check(): void; close(): void }> {
  const filter: GroupFilter | null =
    variant === 'none' ? null : variant === 'all' ? { key: 'all', visible: () => true } : { key: 'quarter', visible: (g: number) => g < FIRST_HIDDEN }
  const ring = SpmcRing.create(16 * 1024 * 1024, 1)
  const wm = new Int32Array(new SharedArrayBuffer(WATERMARK_BYTES))
  const SEQ = slotIndex(SLOT_SEQUENCED)
  const DUR = slotIndex(SLOT_DURABLE)
  const dispatcher = new Dispatcher({
    consumer: ring.consumer(0),
    lookahead: ring.consumer(0),
    answerCursor: () => ring.consumer(0),
    wm,
    bell: Doorbell.create(),
    catchup: null,
    journalDir: '',
    nextGsn: 1,
  })

  // Subscriptions: deterministic pseudo-random group sets.
  let x = 0x13579bdf
  const rnd = (n: number): number => {
    x = (x ^ (x << 13)) >>> 0
    x = (x ^ (x >>> 17)) >>> 0
    x = (x ^ (x << 5)) >>> 0
    return x % n
  }
  // Reads the last frame at check time, and the frames of the self-check pass.
  const cursor = new MessageCursor()
  const st = new Int32Array(4) // 0 frames handed to sinks, 1 unused, 2 errors, 3 next gsn
  st[3] = 1
  let lastFrame: Uint8Array | null = null
  let lastFrameLength = 0
  let trimmed = 0
  let hiddenShown = 0
  let inspect = false
  const sink: FrameSink = {
    onFrame(bytes, offset, length, _lastGsn) {
      st[0]++
      lastFrame = bytes
      lastFrameLength = length
      if (offset !== 0) st[2]++
      if (inspect) {
        // Self-check pass only (outside the timed calls): read the groups of what went out.
        cursor.reset(bytes, offset, length)
        while (cursor.next()) for (let i = 0; i < cursor.groupCount; i++) if (cursor.group(i) >= FIRST_HIDDEN) hiddenShown++
      }
      return true
    },
    onError() {
      st[2]++
    },
  }
  const expected: number[] = [] // per template message: how many subscriptions want it
  const subGroups: number[][] = []
  // Subscriptions use only groups their filter lets them see (the gateway checks that).
  const pick = variant === 'quarter' ? FIRST_HIDDEN - 1 : GROUP_IDS
  for (let s = 0; s < SUBSCRIPTIONS; s++) {
    const n = 1 + rnd(4)
    const gs = new Set<number>()
    while (gs.size < n) gs.add(1 + rnd(pick))
    subGroups.push([...gs])
    dispatcher.subscribe([...gs], s + 1, 0, sink, false, filter)
  }
  await new Promise((resolve) => setImmediate(resolve)) // subscriptions go live in a microtask

  // One batch's blobs, written once; copied into the ring per call.
  const payload = new Uint8Array(PAYLOAD)
  const scratch = new Uint8Array(PER_BATCH * 256)
  const groups = new Uint32Array(3)
  let w = 0
  for (let i = 0; i < PER_BATCH; i++) {
    const n = 1 + (i % 3)
    for (let k = 0; k < n; k++) groups[k] = 1 + ((i * 11 + k * 23) % GROUP_IDS)
    w += writeMessage(scratch, w, PUBLISHER, i + 1, groups, n, payload, 0, PAYLOAD)
    const mine = Array.from(groups.subarray(0, n))
    expected.push(subGroups.filter((g) => g.some((id) => mine.includes(id))).length)
    if (variant === 'quarter' && expected[i]! > 0 && mine.some((id) => id >= FIRST_HIDDEN)) trimmed++
  }
  const blobs = scratch.slice(0, w)
  const perBatchDeliveries = expected.reduce((a, b) => a + b, 0)
  const i32 = ring.i32
  const bytes = ring.bytes

  const onePass = (): void => {
    const at = ring.tryClaim(BATCH_HEADER + blobs.length, RecordType.batch)
    if (at < 0) {
      st[2]++
      return
    }
    const first = st[3]!
    i32[(at + BATCH_COUNT) >> 2] = PER_BATCH
    i32[(at + BATCH_BYTES) >> 2] = blobs.length
    i32[(at + BATCH_FIRST_GSN_LO) >> 2] = first
    i32[(at + BATCH_FIRST_GSN_HI) >> 2] = 0
    bytes.set(blobs, at + BATCH_HEADER)
    ring.commit()
    const last = first + PER_BATCH - 1
    st[3] = last + 1
    storeU64(wm, SEQ, last)
    storeU64(wm, DUR, last)
    if (dispatcher.pass() === 0) st[2]++
  }

  const label = variant === 'none' ? '' : variant === 'all' ? ', group filter, all seen' : ', group filter, 1/4 ids hidden'
  return {
    case: { area: 'fanout', name: `dispatcher pass: match vs ${SUBSCRIPTIONS} subs + Deliver frames${label}`, opsPerCall: PER_BATCH, unit: 'message', fn: onePass },
    check() {
      if (st[2] !== 0 || st[0] === 0) throw new Error(`fan-out bench: ${st[2]} errors (ring full, empty pass, or a sink error), ${st[0]} frames`)
      if (dispatcher.nextGsn !== st[3]) throw new Error(`fan-out bench: dispatcher at gsn ${dispatcher.nextGsn}, produced up to ${st[3]! - 1}`)
      const batches = (st[3]! - 1) / PER_BATCH
      if (dispatcher.messages !== batches * PER_BATCH) throw new Error('fan-out bench: dispatcher message count')
      // The last frame handed out is a valid Deliver frame.
      const f = lastFrame as Uint8Array | null
      if (f === null || verifyFrame(f, 0, lastFrameLength) !== 0 || cursor.reset(f, 0, lastFrameLength) <= 0) throw new Error('fan-out bench: last Deliver frame invalid')
      if (perBatchDeliveries < PER_BATCH) throw new Error(`fan-out bench: workload too thin: ${perBatchDeliveries} deliveries per batch`)
      if (variant === 'quarter') {
        inspect = true
        onePass()
        inspect = false
        // Messages of the batch are trimmed for some subscriber, and no frame handed out names a hidden group.
        if (trimmed === 0) throw new Error('fan-out bench: no message named a hidden group')
        if (hiddenShown !== 0) throw new Error(`fan-out bench: ${hiddenShown} messages showed a hidden group`)
      }
    },
    close() {
      dispatcher.stop()
    },
  }
}
