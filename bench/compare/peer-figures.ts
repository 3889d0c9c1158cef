// Turns what the peer benchmark's processes reported (bench/compare/peer-procs.ts PhaseOutcome) into the figures of
// bench/compare/workload.ts. All times are on the shared clock (peer-payload.ts nowUs), so one phase's start is the
// earliest first send of any publisher, and every rate is over the time from there to the event it counts.

import * as hdr from 'hdr-histogram-js'
import type { PhaseOutcome } from './peer-procs.js'
import { PAYLOAD_HEADER_BYTES } from './peer-payload.js'
import type { DeliveryCheck, LatencyFigures, ThroughputFigures, Workload } from './workload.js'

/** Throws, saying which field is wrong, for a workload the peer runners cannot run. */
export function checkWorkload(w: Workload): void {
  for (const k of ['publishers', 'subscribers', 'groups', 'messages'] as const) {
    if (!Number.isInteger(w[k]) || w[k] <= 0) throw new Error(`workload.${k} must be a positive integer: got ${w[k]}`)
  }
  for (const k of ['latencyRate', 'latencySeconds'] as const) {
    if (!Number.isFinite(w[k]) || w[k] <= 0) throw new Error(`workload.${k} must be a positive number: got ${w[k]}`)
  }
  if (!Number.isInteger(w.payloadBytes) || w.payloadBytes < PAYLOAD_HEADER_BYTES) {
    throw new Error(`workload.payloadBytes must be at least ${PAYLOAD_HEADER_BYTES} (publisher id, seq, send time): got ${w.payloadBytes}`)
  }
}

const perSecond = (count: number, fromUs: number, toUs: number): number => count / (Math.max(1, toUs - fromUs) / 1e6)

export function phaseStartUs(o: PhaseOutcome): number {
  return Math.min(...o.pubs.map((p) => p.firstUs))
}

/** `ackedUntilUs`: when the last acknowledgement counted arrived; for modes without acks pass `ackedCount` null. */
export function throughputFigures(o: PhaseOutcome, messages: number, acked: { count: number; untilUs: number } | null): ThroughputFigures {
  const start = phaseStartUs(o)
  const sent = o.pubs.reduce((s, p) => s + p.sent, 0)
  const lastSend = Math.max(...o.pubs.map((p) => p.lastSendUs))
  let delivered = Infinity
  for (const s of o.subs) delivered = Math.min(delivered, s === null ? 0 : perSecond(s.received, start, s.lastUs))
  return {
    published_per_s: perSecond(sent, start, lastSend),
    acked_per_s: acked === null ? null : perSecond(acked.count, start, acked.untilUs),
    delivered_per_s: delivered === Infinity ? 0 : delivered,
    messages,
  }
}

/** Acknowledged count and the time of the last acknowledgement, over every publisher. */
export function ackedBy(o: PhaseOutcome): { count: number; untilUs: number } {
  return { count: o.pubs.reduce((s, p) => s + p.acked, 0), untilUs: Math.max(...o.pubs.map((p) => p.lastAckUs)) }
}

/** The subscriber with the worst p99 (each subscriber sees every message, so each has rate × seconds samples). */
export function latencyFigures(o: PhaseOutcome, offeredPerS: number): LatencyFigures | null {
  let worst: LatencyFigures | null = null
  for (const s of o.subs) {
    if (s === null || s.hist === undefined) continue
    const h = hdr.decodeFromCompressedBase64(s.hist)
    const f: LatencyFigures = {
      offered_per_s: offeredPerS,
      samples: h.totalCount,
      p50_us: h.getValueAtPercentile(50),
      p99_us: h.getValueAtPercentile(99),
      p999_us: h.getValueAtPercentile(99.9),
      max_us: h.maxValue,
    }
    h.destroy()
    if (worst === null || f.p99_us > worst.p99_us) worst = f
  }
  return worst
}

/** Every publisher error, short acknowledgement and subscriber problem of one phase, each prefixed by its phase. */
export function phaseProblems(phase: string, o: PhaseOutcome, messages: number): string[] {
  const out: string[] = []
  for (const [i, p] of o.pubs.entries()) {
    for (const e of p.errors) out.push(`${phase}: publisher ${i}: ${e}`)
  }
  const acked = o.pubs.reduce((s, p) => s + p.acked, 0)
  if (acked !== messages) out.push(`${phase}: ${acked} of ${messages} messages acknowledged`)
  for (const [i, s] of o.subs.entries()) {
    if (s === null) continue
    if (s.received !== messages) out.push(`${phase}: subscriber ${i}: received ${s.received} of ${messages} in order`)
    for (const p of s.problems) out.push(`${phase}: subscriber ${i}: ${p}`)
  }
  for (const p of o.problems) out.push(`${phase}: ${p}`)
  return out
}

export function deliveryCheck(problems: readonly string[]): DeliveryCheck {
  return { ok: problems.length === 0, problems }
}

/** The latency phase's shape: each publisher paces at `perPubRate`, sends `warmupSeqs` unrecorded messages first
 *  (the processes' JIT and the connections settle; the ordo rows skip the same time) and then rate × seconds. */
export interface LatencyPlan {
  readonly perPubRate: number
  readonly warmupSeqs: number
  readonly perPubCount: number
  /** Messages in the phase, summed over publishers. */
  readonly total: number
}

export function latencyPlan(w: Workload): LatencyPlan {
  const warmupS = w.quick ? 0.5 : 1
  const perPubRate = w.latencyRate / w.publishers
  const warmupSeqs = Math.round(perPubRate * warmupS)
  const perPubCount = warmupSeqs + Math.round(perPubRate * w.latencySeconds)
  return { perPubRate, warmupSeqs, perPubCount, total: perPubCount * w.publishers }
}
