// Joins one run's timestamps into per-message paths and per-stage percentiles.
//
//   publisher dump  [due, call, sent] per seq            (pub.ts)
//   server trace    [stage, first, last, time] per run   (engine/trace/stage-trace.ts; ordo only)
//   subscriber dump [received, gsn] per seq              (sub.ts)
//
// A message's path is its time at each point it passed: the publisher's three, each server
// stage whose record covers its key (pseq = seq before the sequencer, gsn from it on) and
// the subscriber's. Reported per point: time since due (where the delay has piled up by
// then), and per step between consecutive points the message passed (where it was added).
// The tail: for the messages at or above the run's p99, which step took longest, and
// whether a GC pause of some process overlapped their flight.

import * as hdr from 'hdr-histogram-js'
import { RECORD_F64, R_FIRST, R_LAST, R_STAGE, R_TIME } from '../../engine/trace/stage-trace-descriptor.js'
import { TRACE_STAGE_NAMES, TraceStage } from '../../engine/trace/stage-trace.js'
import type { GcPause } from './gc-log.js'

export interface Percentiles {
  p50: number
  p99: number
  p999: number
  max: number
  n: number
}

export interface RunFigures {
  /** Received minus due, µs. */
  e2e: Percentiles
  /** Per point: time since due, µs. */
  cumulative: { name: string; p: Percentiles }[]
  /** Per step 'A -> B': time between the two points, µs. */
  steps: { name: string; p: Percentiles }[]
  /** Messages at or above the run's p99: how many had each step as their longest. */
  tailLongestStep: Record<string, number>
  /** Share of those messages whose flight overlapped a GC pause of each process; and the share over all messages. */
  tailGcOverlap: Record<string, number>
  allGcOverlap: Record<string, number>
  /** GC pauses during the run: count and total ms per process, and per kind ('minor', 'major', ...). */
  gc: Record<string, { count: number; ms: number; kinds: Record<string, { count: number; ms: number; maxMs: number }> }>
}

export interface RunInput {
  pub: Float64Array
  sub: Float64Array
  trace: Float64Array | null
  /** Only messages due at or after this (monotonic ms) are counted (warm-up before). */
  measureFrom: number
  gc: Record<string, GcPause[]>
}

// Points of a path, in order. by: which key a server stage's records use.
const SERVER_POINTS: { stage: number; by: 'pseq' | 'gsn' }[] = [
  { stage: TraceStage.gatewayReceived, by: 'pseq' },
  { stage: TraceStage.ingressCommitted, by: 'pseq' },
  { stage: TraceStage.sequencerTook, by: 'gsn' },
  { stage: TraceStage.sequenced, by: 'gsn' },
  { stage: TraceStage.journalWritten, by: 'gsn' },
  { stage: TraceStage.durable, by: 'gsn' },
  { stage: TraceStage.dispatcherWoken, by: 'gsn' },
  { stage: TraceStage.dispatcherPass, by: 'gsn' },
  { stage: TraceStage.deliverSent, by: 'gsn' },
]
const POINT_NAMES = ['due', 'publish() called', 'socket written', ...SERVER_POINTS.map((p) => TRACE_STAGE_NAMES[p.stage]!), 'received']

/** Records of one stage, sorted by first key, for lookups by key. */
class StageIndex {
  readonly first: Float64Array
  readonly last: Float64Array
  readonly time: Float64Array

  constructor(trace: Float64Array, stage: number) {
    const rows: number[] = []
    for (let at = 0; at < trace.length; at += RECORD_F64) if (trace[at + R_STAGE] === stage) rows.push(at)
    rows.sort((x, y) => trace[x + R_FIRST]! - trace[y + R_FIRST]!)
    this.first = new Float64Array(rows.map((r) => trace[r + R_FIRST]!))
    this.last = new Float64Array(rows.map((r) => trace[r + R_LAST]!))
    this.time = new Float64Array(rows.map((r) => trace[r + R_TIME]!))
  }

  /** Time of the record covering key, or NaN. */
  at(key: number): number {
    let lo = 0
    let hi = this.first.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (this.first[mid]! <= key) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found >= 0 && this.last[found]! >= key ? this.time[found]! : NaN
  }
}

function histogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 })
}

function record(h: hdr.Histogram, us: number): void {
  h.recordValue(us < 1 ? 1 : Math.round(us))
}

export function percentilesOf(h: hdr.Histogram): Percentiles {
  return {
    p50: h.getValueAtPercentile(50),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    max: h.maxValue,
    n: h.totalCount,
  }
}

function overlaps(pauses: GcPause[], from: number, to: number): boolean {
  for (const [s, d] of pauses) if (s < to && s + d > from) return true
  return false
}

export function analyzeRun(input: RunInput): RunFigures {
  const { pub, sub, trace } = input
  const indexes = trace === null ? [] : SERVER_POINTS.map((p) => ({ by: p.by, index: new StageIndex(trace, p.stage) }))
  const messages = Math.min(pub.length / 3, sub.length / 2)
  const points = POINT_NAMES.length
  const path = new Float64Array(points)
  const e2e = histogram()
  const cumulative = POINT_NAMES.map(() => histogram())
  const steps = new Map<string, hdr.Histogram>()
  const paths: { seq: number; total: number }[] = []
  for (let seq = 1; seq < messages; seq++) {
    const due = pub[seq * 3]!
    const received = sub[seq * 2]!
    if (!(due >= input.measureFrom) || !(received > 0)) continue
    const gsn = sub[seq * 2 + 1]!
    path[0] = due
    path[1] = pub[seq * 3 + 1]!
    path[2] = pub[seq * 3 + 2]! || NaN
    for (let k = 0; k < indexes.length; k++) path[3 + k] = indexes[k]!.index.at(indexes[k]!.by === 'pseq' ? seq : gsn)
    for (let k = 3 + indexes.length; k < points - 1; k++) path[k] = NaN
    path[points - 1] = received
    const total = (received - due) * 1000
    record(e2e, total)
    paths.push({ seq, total })
    let prev = 0
    for (let k = 1; k < points; k++) {
      const t = path[k]!
      if (Number.isNaN(t)) continue
      record(cumulative[k]!, (t - due) * 1000)
      const name = `${POINT_NAMES[prev]} -> ${POINT_NAMES[k]}`
      let h = steps.get(name)
      if (h === undefined) steps.set(name, (h = histogram()))
      record(h, (t - path[prev]!) * 1000)
      prev = k
    }
  }
  const p = percentilesOf(e2e)
  // The tail: the longest step of each message at or above p99, and GC overlap.
  const tailLongestStep: Record<string, number> = {}
  const tailHits: Record<string, number> = {}
  const allHits: Record<string, number> = {}
  let tail = 0
  for (const { seq, total } of paths) {
    const due = pub[seq * 3]!
    const received = sub[seq * 2]!
    for (const [proc, pauses] of Object.entries(input.gc)) if (overlaps(pauses, due, received)) allHits[proc] = (allHits[proc] ?? 0) + 1
    if (total < p.p99) continue
    tail++
    for (const [proc, pauses] of Object.entries(input.gc)) if (overlaps(pauses, due, received)) tailHits[proc] = (tailHits[proc] ?? 0) + 1
    const gsn = sub[seq * 2 + 1]!
    const times = [due, pub[seq * 3 + 1]!, pub[seq * 3 + 2]! || NaN, ...indexes.map((x) => x.index.at(x.by === 'pseq' ? seq : gsn))]
    while (times.length < points - 1) times.push(NaN)
    times.push(received)
    let best = ''
    let bestMs = -Infinity
    let prev = 0
    for (let k = 1; k < points; k++) {
      if (Number.isNaN(times[k]!)) continue
      const d = times[k]! - times[prev]!
      if (d > bestMs) {
        bestMs = d
        best = `${POINT_NAMES[prev]} -> ${POINT_NAMES[k]}`
      }
      prev = k
    }
    tailLongestStep[best] = (tailLongestStep[best] ?? 0) + 1
  }
  const share = (hits: Record<string, number>, of: number): Record<string, number> =>
    Object.fromEntries(Object.keys(input.gc).map((k) => [k, of === 0 ? 0 : (hits[k] ?? 0) / of]))
  return {
    e2e: p,
    cumulative: POINT_NAMES.map((name, k) => ({ name, p: percentilesOf(cumulative[k]!) })).filter((c, k) => k > 0 && c.p.n > 0),
    steps: [...steps].map(([name, h]) => ({ name, p: percentilesOf(h) })),
    tailLongestStep,
    tailGcOverlap: share(tailHits, tail),
    allGcOverlap: share(allHits, paths.length),
    gc: Object.fromEntries(Object.entries(input.gc).map(([k, v]) => [k, { count: v.length, ms: v.reduce((s, x) => s + x[1], 0), kinds: byKind(v) }])),
  }
}

function byKind(pauses: GcPause[]): Record<string, { count: number; ms: number; maxMs: number }> {
  const out: Record<string, { count: number; ms: number; maxMs: number }> = {}
  for (const [, d, kind] of pauses) {
    const k = (out[kind] ??= { count: 0, ms: 0, maxMs: 0 })
    k.count++
    k.ms += d
    if (d > k.maxMs) k.maxMs = d
  }
  return out
}
