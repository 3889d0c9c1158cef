// The payload every peer-system publisher sends, and the subscriber-side check that each publisher's messages
// arrived exactly once, in that publisher's order, intact.
//
//   0        4        8                16               24                                  payloadBytes
//   ├────────┼────────┼────────────────┼────────────────┼───────────────────────────────────────┤
//   │ pubId  │ group  │ seq (f64)      │ intended µs    │ padding: byte at offset k = (seq + k) & 0xff
//   │ u32 LE │ u32 LE │ per publisher  │ (f64, shared   │ (one of 256 precomputed patterns, so the
//   │        │        │ 0, 1, 2, ...   │  clock, nowUs) │  writer copies and the reader memcmps)
//
// Publisher p sends seq 0, 1, 2, ... and message seq goes to group seq % G. A system with one total order over all
// groups (a JetStream stream) must deliver each publisher's seqs in +1 steps; a system that orders per key only
// (Redis: one stream key per group) must deliver, on key g, publisher p's seqs g, g+G, g+2G, ... The checker handles
// both with `lanesPerPublisher` (1 or G): a lane is (publisher, seq % lanesPerPublisher) and steps by that count.

export const PAYLOAD_HEADER_BYTES = 24
const OFF_PUB = 0
const OFF_GROUP = 4
const OFF_SEQ = 8
const OFF_INTENDED = 16

// Shared clock for latency across processes, in µs. `performance.timeOrigin` is only nearly it: each process pairs
// its origin with the wall clock at start-up, and over 20 processes those pairings disagreed by 12–120 µs here
// (Node 20, loaded 2-core VM), an error the size of the latencies being compared. `process.hrtime` reads CLOCK_MONOTONIC, one clock for every process on the machine,
// and `performance.now()` runs on the same clock from a per-process origin, so one offset (taken once, two
// adjacent reads) turns the allocation-free `performance.now()` into the machine-wide monotonic clock. The offset is
// taken from the tightest of several bracketed reads: a first call can be slow (lazy set-up) and a loaded machine can
// preempt between two reads, either of which would shift this process's clock by milliseconds.
function monotonicOffset(): number {
  let best = Infinity
  let offset = 0
  for (let i = 0; i < 20; i++) {
    const before = performance.now() * 1000
    const mono = Number(process.hrtime.bigint()) / 1000
    const after = performance.now() * 1000
    if (after - before < best) {
      best = after - before
      offset = mono - (before + after) / 2
    }
  }
  return offset
}
const monotonicOffsetUs = monotonicOffset()

/** Machine-wide monotonic time in µs (CLOCK_MONOTONIC), comparable between processes on this machine. */
export function nowUs(): number {
  return performance.now() * 1000 + monotonicOffsetUs
}

/** 256 padding variants for one payload size; `patterns[seq & 0xff]` is message seq's padding. */
export function paddingPatterns(payloadBytes: number): Buffer[] {
  if (!Number.isInteger(payloadBytes) || payloadBytes < PAYLOAD_HEADER_BYTES) {
    throw new Error(`payload too small for the peer benchmark header: payloadBytes=${payloadBytes}, min=${PAYLOAD_HEADER_BYTES}`)
  }
  const out: Buffer[] = []
  for (let b = 0; b < 256; b++) {
    const p = Buffer.allocUnsafe(payloadBytes - PAYLOAD_HEADER_BYTES)
    for (let k = 0; k < p.length; k++) p[k] = (b + PAYLOAD_HEADER_BYTES + k) & 0xff
    out.push(p)
  }
  return out
}

/** Writes message (pub, seq) into `buf` (length = payload size). */
export function fillPayload(buf: Buffer, patterns: readonly Buffer[], pub: number, seq: number, groups: number, intendedUs: number): void {
  buf.writeUInt32LE(pub, OFF_PUB)
  buf.writeUInt32LE(seq % groups, OFF_GROUP)
  buf.writeDoubleLE(seq, OFF_SEQ)
  buf.writeDoubleLE(intendedUs, OFF_INTENDED)
  buf.set(patterns[seq & 0xff], PAYLOAD_HEADER_BYTES)
}

// Reads from a plain Uint8Array (the NATS client hands those out) without wrapping it in a Buffer per message.
const scratch = new Uint8Array(8)
const scratchF64 = new Float64Array(scratch.buffer)
const scratchU32 = new Uint32Array(scratch.buffer)
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function readU32(src: Uint8Array, off: number): number {
  if (!littleEndian) return (src[off] | (src[off + 1] << 8) | (src[off + 2] << 16)) + src[off + 3] * 0x1000000
  for (let i = 0; i < 4; i++) scratch[i] = src[off + i]
  return scratchU32[0]
}

function readF64(src: Uint8Array, off: number): number {
  for (let i = 0; i < 8; i++) scratch[littleEndian ? i : 7 - i] = src[off + i]
  return scratchF64[0]
}

export function payloadSeq(src: Uint8Array, off: number): number {
  return readF64(src, off + OFF_SEQ)
}

export function payloadIntendedUs(src: Uint8Array, off: number): number {
  return readF64(src, off + OFF_INTENDED)
}

/** Messages publisher `pub` of `publishers` sends when they share `messages` (the first ones take the remainder). */
export function messagesOf(pub: number, publishers: number, messages: number): number {
  return Math.floor(messages / publishers) + (pub < messages % publishers ? 1 : 0)
}

const MAX_PROBLEMS = 20

/** One subscriber's check. `accept` per message; `finish` once, listing every problem seen (capped, with a count). */
export class DeliveryChecker {
  /** Next seq expected per lane, lane = pub * lanesPerPublisher + seq % lanesPerPublisher. */
  private readonly next: Float64Array
  private readonly counts: number[]
  private readonly patterns: Buffer[]
  private readonly problems: string[] = []
  private extraProblems = 0
  /** Messages that arrived in order (the ones counted as delivered). */
  received = 0
  duplicates = 0

  constructor(
    private readonly publishers: number,
    messages: number,
    private readonly groups: number,
    private readonly lanesPerPublisher: number,
    private readonly payloadBytes: number,
  ) {
    if (lanesPerPublisher !== 1 && lanesPerPublisher !== groups) {
      throw new Error(`lanesPerPublisher must be 1 or groups: lanesPerPublisher=${lanesPerPublisher}, groups=${groups}`)
    }
    this.patterns = paddingPatterns(payloadBytes)
    this.counts = []
    for (let p = 0; p < publishers; p++) this.counts.push(messagesOf(p, publishers, messages))
    this.next = new Float64Array(publishers * lanesPerPublisher)
    for (let i = 0; i < this.next.length; i++) this.next[i] = i % lanesPerPublisher
  }

  private problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text)
    else this.extraProblems++
  }

  /** Checks one message of `len` bytes at `off` in `src`. `keyGroup` is the group the message came from when the
   *  transport says so (a Redis stream key), else -1. */
  accept(src: Uint8Array, off: number, len: number, keyGroup: number): void {
    if (len !== this.payloadBytes) {
      this.problem(`message of ${len} bytes, expected ${this.payloadBytes}`)
      return
    }
    const pub = readU32(src, off + OFF_PUB)
    const group = readU32(src, off + OFF_GROUP)
    const seq = readF64(src, off + OFF_SEQ)
    if (pub >= this.publishers || !Number.isInteger(seq) || seq < 0) {
      this.problem(`corrupt header: publisher=${pub}, seq=${seq}`)
      return
    }
    if (group !== seq % this.groups || (keyGroup >= 0 && keyGroup !== group)) {
      this.problem(`publisher ${pub} seq ${seq}: group ${group} in payload, expected ${seq % this.groups}${keyGroup >= 0 ? `, arrived on group ${keyGroup}` : ''}`)
      return
    }
    const pad = this.payloadBytes - PAYLOAD_HEADER_BYTES
    if (this.patterns[seq & 0xff].compare(src, off + PAYLOAD_HEADER_BYTES, off + PAYLOAD_HEADER_BYTES + pad, 0, pad) !== 0) {
      this.problem(`publisher ${pub} seq ${seq}: payload bytes corrupt`)
      return
    }
    const lane = pub * this.lanesPerPublisher + (seq % this.lanesPerPublisher)
    const expected = this.next[lane]
    const step = this.lanesPerPublisher
    if (seq === expected) {
      this.next[lane] = seq + step
      this.received++
    } else if (seq > expected) {
      this.problem(`publisher ${pub}: ${(seq - expected) / step} messages missing from seq ${expected} (next came seq ${seq})`)
      this.next[lane] = seq + step
      this.received++
    } else {
      this.duplicates++
      this.problem(`publisher ${pub}: seq ${seq} duplicated or out of order (after seq ${expected - step})`)
    }
  }

  /** True when every lane has reached its publisher's count. */
  complete(): boolean {
    for (let lane = 0; lane < this.next.length; lane++) {
      if (this.next[lane] < this.laneEnd(lane)) return false
    }
    return true
  }

  /** First seq at or past the publisher's count in this lane (where `next` stands when the lane is complete). */
  private laneEnd(lane: number): number {
    const pub = Math.floor(lane / this.lanesPerPublisher)
    const first = lane % this.lanesPerPublisher
    const n = this.counts[pub]
    return first >= n ? first : first + Math.ceil((n - first) / this.lanesPerPublisher) * this.lanesPerPublisher
  }

  /** Every problem, including messages that never arrived. */
  finish(): string[] {
    for (let lane = 0; lane < this.next.length; lane++) {
      const end = this.laneEnd(lane)
      const at = this.next[lane]
      if (at < end) {
        const pub = Math.floor(lane / this.lanesPerPublisher)
        this.problem(`publisher ${pub}: ${(end - at) / this.lanesPerPublisher} messages never arrived, from seq ${at}`)
      }
    }
    const out = this.problems.slice()
    if (this.extraProblems > 0) out.push(`... and ${this.extraProblems} more problems`)
    return out
  }
}
