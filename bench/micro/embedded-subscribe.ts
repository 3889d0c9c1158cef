// Embedded subscribe microbenchmark: the path from the dispatcher to an Engine.subscribe
// handler, in one thread (memory mode: no journal, no catch-up).
//
//   [sequenced SPMC ring] ──pass()──▶ one Deliver frame per interest ──▶ embedded subscriber
//   one batch of 64 msgs             (4 subscriptions, all of group 1)   (DeliverBatch cursor
//                                                                         reset) ──▶ handler
//
// Two handlers read every message: one through the Number forms (gsnNumber, pseqNumber,
// gseqNumber(0), payloadLength: nothing should be allocated per message) and one through
// the bigint accessors (gsn, pseq, gseq(0): one bigint each, the price of that type).
// Figures are per message delivered to one subscription (opsPerCall = 64 x 4).

import { SpmcRing } from '../../engine/ring/spmc-ring.js'
import { Doorbell } from '../../engine/ring/doorbell.js'
import { Dispatcher } from '../../engine/stages/fanout/dispatcher.js'
import { embeddedSubscriber } from '../../engine/embedded-subscriber.js'
import { BATCH_BYTES, BATCH_COUNT, BATCH_FIRST_GSN_HI, BATCH_FIRST_GSN_LO, BATCH_HEADER, RecordType } from '../../engine/descriptors/sequenced-record-descriptor.js'
import { SLOT_DURABLE, SLOT_SEQUENCED, WATERMARK_BYTES, slotIndex, storeU64 } from '../../engine/descriptors/watermark-descriptor.js'
import { writeMessage } from '../../codec/index.js'
import type { DeliverBatch } from '../../codec/deliver-batch.js'
import type { MicroArea, MicroCase } from './measure.js'

const PER_BATCH = 64
const SUBSCRIPTIONS = 4
const PAYLOAD = 100
const PUBLISHER = 0x9abc_def0_1234

async function oneArea(name: string, handler: (b: DeliverBatch) => void, seen: Float64Array): Promise<{ c: MicroCase; check: () => void; close: () => void }> {
  const ring = SpmcRing.create(16 * 1024 * 1024, 1)
  const wm = new Int32Array(new SharedArrayBuffer(WATERMARK_BYTES))
  const dispatcher = new Dispatcher({
    consumer: ring.consumer(0), lookahead: ring.consumer(0), answerCursor: () => ring.consumer(0),
    wm, bell: Doorbell.create(), catchup: null, journalDir: '', nextGsn: 1,
  })
  for (let s = 1; s <= SUBSCRIPTIONS; s++) dispatcher.subscribe([1], s, 0, embeddedSubscriber(s, handler, undefined).sink)
  await new Promise((resolve) => setImmediate(resolve)) // subscriptions go live in a microtask
  const scratch = new Uint8Array(PER_BATCH * 256)
  const groups = new Uint32Array([1])
  const payload = new Uint8Array(PAYLOAD)
  let w = 0
  for (let i = 0; i < PER_BATCH; i++) w += writeMessage(scratch, w, PUBLISHER, i + 1, groups, 1, payload, 0, PAYLOAD)
  const blobs = scratch.slice(0, w)
  let next = 1
  let errors = 0
  const fn = (): void => {
    const at = ring.tryClaim(BATCH_HEADER + blobs.length, RecordType.batch)
    if (at < 0) {
      errors++
      return
    }
    ring.i32[(at + BATCH_COUNT) >> 2] = PER_BATCH
    ring.i32[(at + BATCH_BYTES) >> 2] = blobs.length
    ring.i32[(at + BATCH_FIRST_GSN_LO) >> 2] = next
    ring.i32[(at + BATCH_FIRST_GSN_HI) >> 2] = 0
    ring.bytes.set(blobs, at + BATCH_HEADER)
    ring.commit()
    next += PER_BATCH
    storeU64(wm, slotIndex(SLOT_SEQUENCED), next - 1)
    storeU64(wm, slotIndex(SLOT_DURABLE), next - 1)
    if (dispatcher.pass() === 0) errors++
  }
  return {
    c: { area: 'embedded', name, opsPerCall: PER_BATCH * SUBSCRIPTIONS, unit: 'message delivered to one embedded subscription', fn },
    check() {
      if (errors !== 0) throw new Error(`embedded-subscribe bench (${name}): ${errors} errors`)
      if (seen[0] !== (next - 1) * SUBSCRIPTIONS) throw new Error(`embedded-subscribe bench (${name}): handlers saw ${seen[0]} messages, expected ${(next - 1) * SUBSCRIPTIONS}`)
    },
    close() {
      dispatcher.stop()
    },
  }
}

export async function embeddedSubscribeArea(): Promise<MicroArea> {
  const seenN = new Float64Array(2) // 0 messages, 1 checksum (keeps the reads alive)
  const seenB = new Float64Array(2)
  const numbers = await oneArea('handler reads gsnNumber, pseqNumber, gseqNumber(0)', (b) => {
    while (b.next()) {
      seenN[0]++
      seenN[1] += b.gsnNumber + b.pseqNumber + b.gseqNumber(0) + b.payloadLength
    }
  }, seenN)
  let sum = 0n
  const bigints = await oneArea('handler reads gsn, pseq, gseq(0) (bigints)', (b) => {
    while (b.next()) {
      seenB[0]++
      sum += b.gsn + b.pseq + b.gseq(0)
    }
    if (sum > 1n << 60n) sum = 0n
  }, seenB)
  return {
    cases: [numbers.c, bigints.c],
    check() {
      numbers.check()
      bigints.check()
    },
    close() {
      numbers.close()
      bigints.close()
    },
  }
}
