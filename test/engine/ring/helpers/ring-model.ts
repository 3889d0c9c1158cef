// A model of a ring for property tests in one thread: replays random operations on a
// real ring (SPSC, or SPMC with several consumers in the same thread) and on a plain
// model, and checks after each step that the ring did exactly what the model predicts:
// which claims fit (exact free-space arithmetic, wrap padding included), and which
// records each consumer receives, in order, with their bytes.

import assert from 'node:assert/strict'
import type { RingConsumer } from '../../../../engine/ring/ring-consumer.js'
import type { RingProducer } from '../../../../engine/ring/ring-producer.js'
import { SpmcRing } from '../../../../engine/ring/spmc-ring.js'
import { SpscRing } from '../../../../engine/ring/spsc-ring.js'
import { BACK_PRESSURED, EMPTY, TOO_LARGE } from '../../../../codec/results.js'
import { TAIL_INDEX, cursorIndex, headerBytes } from '../../../../engine/ring/ring-descriptor.js'

export type RingOp =
  | { op: 'claim'; length: number; type: number }
  | { op: 'claimMax'; min: number; max: number; use: number; type: number }
  | { op: 'commit' }
  | { op: 'abandon' }
  | { op: 'poll'; consumer: number; limit: number }
  | { op: 'readAhead'; consumer: number; limit: number }
  | { op: 'release'; consumer: number }
  | { op: 'peekAdvance'; consumer: number }

interface Rec {
  id: number
  length: number
  type: number
  /** Position where the record (header) starts, and where it ends. */
  start: number
  end: number
}

interface ModelConsumer {
  ring: RingConsumer
  /** Index into committed of the next record to read; records < released are released. */
  next: number
  releasedPos: number
  readPos: number
}

const align = (n: number): number => (n + 15) & ~7

function fill(bytes: Uint8Array, at: number, id: number, length: number): void {
  for (let i = 0; i < length; i++) bytes[at + i] = (id * 131 + i) & 0xff
}

export class RingModel {
  readonly producer: RingProducer
  readonly consumers: ModelConsumer[]
  readonly capacity: number
  private readonly records: Rec[] = [] // committed, in order
  private pending: Rec[] = []
  private claimPos = 0
  private committedPos = 0
  private nextId = 0
  /** Operations performed that changed something (for tests to check coverage). */
  wraps = 0
  backPressured = 0
  delivered = 0

  /** Ring positions are base + model positions (mod 2^32): a base near 2^32 tests the wrap of the counters. */
  readonly base: number

  constructor(capacity: number, consumerCount: number, kind: 'spsc' | 'spmc', base = 0) {
    this.capacity = capacity
    this.base = base
    if (kind === 'spsc') {
      const created = SpscRing.create(capacity)
      setStart(created.buffer, 1, base)
      const r = SpscRing.attach(created.buffer)
      this.producer = r.producer
      this.consumers = [{ ring: r.consumer, next: 0, releasedPos: 0, readPos: 0 }]
    } else {
      const created = SpmcRing.create(capacity, consumerCount)
      setStart(created.buffer, consumerCount, base)
      const r = SpmcRing.attach(created.buffer)
      this.producer = r.producer
      this.consumers = []
      // Attach through the buffer, as another thread would.
      for (let i = 0; i < consumerCount; i++) this.consumers.push({ ring: SpmcRing.attach(r.buffer, i), next: 0, releasedPos: 0, readPos: 0 })
    }
  }

  private freeBytes(): number {
    let behind = this.claimPos - this.committedPos
    for (const c of this.consumers) behind = Math.max(behind, this.claimPos - c.releasedPos)
    return this.capacity - behind
  }

  /** Where a record of recordLength would start (after padding), or -1 if it does not fit. */
  private placement(recordLength: number): number {
    const index = this.index(this.claimPos)
    const toEnd = this.capacity - index
    const required = recordLength <= toEnd ? recordLength : recordLength + toEnd
    if (required > this.freeBytes()) return -1
    return recordLength <= toEnd ? this.claimPos : this.claimPos + toEnd
  }

  apply(o: RingOp): void {
    switch (o.op) {
      case 'claim': {
        const at = this.producer.tryClaim(o.length, o.type)
        if (o.length > this.producer.maxPayloadLength) {
          assert.equal(at, TOO_LARGE)
          return
        }
        const start = this.placement(align(o.length))
        if (start < 0) {
          assert.equal(at, BACK_PRESSURED, `claim length=${o.length} should not fit`)
          this.backPressured++
          return
        }
        assert.equal(at, this.index(start) + 8, `claim length=${o.length} placed wrong`)
        this.claimed(start, o.length, o.type, at)
        return
      }
      case 'claimMax': {
        const at = this.producer.tryClaimMax(o.min, o.max, o.type)
        if (o.min > this.producer.maxPayloadLength) {
          assert.equal(at, TOO_LARGE)
          return
        }
        if (at < 0) {
          assert.equal(at, BACK_PRESSURED)
          assert.equal(this.placement(align(o.min)), -1, `claimMax min=${o.min} refused though it fits`)
          this.backPressured++
          return
        }
        const granted = this.producer.claimedLength
        assert.ok(granted >= o.min && granted <= Math.min(o.max, this.producer.maxPayloadLength), `granted=${granted}`)
        const start = this.placement(align(granted))
        assert.ok(start >= 0, 'claimMax granted more than is free')
        assert.equal(at, this.index(start) + 8)
        const used = Math.min(granted, Math.max(o.min, o.use))
        this.producer.shrinkLast(used)
        this.claimed(start, used, o.type, at)
        return
      }
      case 'commit':
        this.producer.commit()
        this.records.push(...this.pending)
        this.pending = []
        this.committedPos = this.claimPos
        return
      case 'abandon':
        this.producer.abandon()
        this.pending = []
        this.claimPos = this.committedPos
        return
      case 'poll':
      case 'readAhead': {
        const c = this.consumers[o.consumer % this.consumers.length]!
        let k = 0
        const handler = (bytes: Uint8Array, offset: number, length: number, type: number): void => {
          const rec = this.records[c.next + k]
          assert.ok(rec !== undefined, 'delivered a record that was never committed')
          assert.equal(length, rec.length, `record ${rec.id} length`)
          assert.equal(type, rec.type, `record ${rec.id} type`)
          assert.equal(offset, this.index(rec.start) + 8, `record ${rec.id} offset`)
          for (let i = 0; i < length; i++) {
            if (bytes[offset + i] !== ((rec.id * 131 + i) & 0xff)) assert.fail(`record ${rec.id} byte ${i} changed`)
          }
          assert.equal(c.ring.readPosition, this.ringPos(rec.end), 'readPosition during handler')
          k++
        }
        const n = o.op === 'poll' ? c.ring.poll(handler, o.limit) : c.ring.read(handler, o.limit)
        const availableRecords = this.records.length - c.next
        assert.equal(n, Math.min(o.limit, availableRecords))
        assert.equal(k, n)
        c.next += n
        this.delivered += n
        // Padding only ever precedes a record of the same commit, so a read ends at a record's end.
        if (n > 0) c.readPos = this.records[c.next - 1]!.end
        if (o.op === 'poll') c.releasedPos = c.readPos
        assert.equal(c.ring.readPosition, this.ringPos(c.readPos), 'readPosition after read')
        assert.equal(c.ring.releasedPosition, this.ringPos(c.releasedPos), 'releasedPosition')
        return
      }
      case 'peekAdvance': {
        const c = this.consumers[o.consumer % this.consumers.length]!
        const at = c.ring.peek()
        const rec = this.records[c.next]
        if (rec === undefined) {
          assert.equal(at, EMPTY)
          return
        }
        assert.equal(at, this.index(rec.start) + 8, `peek record ${rec.id} offset`)
        assert.equal(c.ring.recordLength, rec.length)
        assert.equal(c.ring.recordType, rec.type)
        for (let i = 0; i < rec.length; i++) {
          if (c.ring.bytes[at + i] !== ((rec.id * 131 + i) & 0xff)) assert.fail(`record ${rec.id} byte ${i} changed`)
        }
        c.ring.advance()
        c.next++
        this.delivered++
        c.readPos = rec.end
        assert.equal(c.ring.readPosition, this.ringPos(c.readPos))
        return
      }
      case 'release': {
        const c = this.consumers[o.consumer % this.consumers.length]!
        c.ring.release(c.ring.readPosition)
        c.releasedPos = c.readPos
        return
      }
    }
  }

  private index(pos: number): number {
    return (this.base + pos) % this.capacity
  }

  private ringPos(pos: number): number {
    return (this.base + pos) % 2 ** 32
  }

  private claimed(start: number, length: number, type: number, at: number): void {
    if (start !== this.claimPos) this.wraps++
    const id = this.nextId++
    fill(this.producer.bytes, at, id, length)
    const end = start + align(length)
    this.pending.push({ id, length, type, start, end })
    this.claimPos = end
  }

  /** Commits, then drains every consumer and checks that each got every record. */
  finish(): void {
    this.apply({ op: 'commit' })
    for (let i = 0; i < this.consumers.length; i++) {
      this.apply({ op: 'poll', consumer: i, limit: 0x7fffffff })
      assert.equal(this.consumers[i]!.next, this.records.length, `consumer ${i} missed records`)
      assert.equal(this.consumers[i]!.ring.available(), 0)
    }
  }
}

/** Sets a fresh ring's tail and every cursor to `base`, as if base bytes had passed already. */
export function setStart(sab: SharedArrayBuffer, consumerCount: number, base: number): void {
  const meta = new Int32Array(sab, 0, headerBytes(consumerCount) / 4)
  meta[TAIL_INDEX] = base | 0
  for (let i = 0; i < consumerCount; i++) meta[cursorIndex(i)] = base | 0
}
