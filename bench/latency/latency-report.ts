// Medians over runs and the per-stage table of the publish -> deliver latency benchmark.

import type { Percentiles, RunFigures } from './stage-join.js'

export interface SystemSummary {
  runs: number
  e2e: Percentiles
  cumulative: { name: string; p: Percentiles }[]
  steps: { name: string; p: Percentiles }[]
  tailLongestStep: Record<string, number>
  tailGcOverlap: Record<string, number>
  allGcOverlap: Record<string, number>
  gc: Record<string, { count: number; ms: number }>
  /** Pauses by kind over all runs: count, total ms, longest ms. */
  gcKinds: Record<string, Record<string, { count: number; ms: number; maxMs: number }>>
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2)
}

function medianOf(ps: Percentiles[]): Percentiles {
  return {
    p50: median(ps.map((p) => p.p50)),
    p99: median(ps.map((p) => p.p99)),
    p999: median(ps.map((p) => p.p999)),
    max: median(ps.map((p) => p.max)),
    n: median(ps.map((p) => p.n)),
  }
}

function byName(rows: { name: string; p: Percentiles }[][]): { name: string; p: Percentiles }[] {
  const names: string[] = []
  for (const run of rows) for (const r of run) if (!names.includes(r.name)) names.push(r.name)
  return names.map((name) => ({ name, p: medianOf(rows.flatMap((run) => run.filter((r) => r.name === name).map((r) => r.p))) }))
}

function sumCounts(xs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const x of xs) for (const [k, v] of Object.entries(x)) out[k] = (out[k] ?? 0) + v
  return out
}

function meanShares(xs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const x of xs) for (const [k, v] of Object.entries(x)) out[k] = (out[k] ?? 0) + v / xs.length
  return out
}

export function summarize(runs: RunFigures[]): SystemSummary {
  return {
    runs: runs.length,
    e2e: medianOf(runs.map((r) => r.e2e)),
    cumulative: byName(runs.map((r) => r.cumulative)),
    steps: byName(runs.map((r) => r.steps)),
    tailLongestStep: sumCounts(runs.map((r) => r.tailLongestStep)),
    tailGcOverlap: meanShares(runs.map((r) => r.tailGcOverlap)),
    allGcOverlap: meanShares(runs.map((r) => r.allGcOverlap)),
    gcKinds: Object.fromEntries(
      Object.keys(runs[0]?.gc ?? {}).map((proc) => {
        const kinds: Record<string, { count: number; ms: number; maxMs: number }> = {}
        for (const r of runs) {
          for (const [kind, v] of Object.entries(r.gc[proc]?.kinds ?? {})) {
            const k = (kinds[kind] ??= { count: 0, ms: 0, maxMs: 0 })
            k.count += v.count
            k.ms += v.ms
            k.maxMs = Math.max(k.maxMs, v.maxMs)
          }
        }
        return [proc, kinds]
      }),
    ),
    gc: Object.fromEntries(
      Object.keys(runs[0]?.gc ?? {}).map((k) => [k, { count: median(runs.map((r) => r.gc[k]?.count ?? 0)), ms: median(runs.map((r) => Math.round((r.gc[k]?.ms ?? 0) * 10))) / 10 }]),
    ),
  }
}

const pct = (x: number): string => `${(x * 100).toFixed(0)} %`

export function printStages(out: (s?: string) => void, systems: [string, SystemSummary][]): void {
  const row = (name: string, p: Percentiles): string =>
    `    ${name.padEnd(48)} ${String(p.p50).padStart(7)} ${String(p.p99).padStart(8)} ${String(p.p999).padStart(8)} ${String(p.n).padStart(8)}`
  for (const [label, s] of systems) {
    if (s.runs === 0) continue
    out(`  ${label}: time since due at each point, µs (medians of runs)       p50      p99    p99.9  samples`)
    for (const c of s.cumulative) out(row(c.name, c.p))
    out(`  ${label}: time added by each step, µs`)
    for (const c of s.steps) out(row(c.name, c.p))
    const tail = Object.entries(s.tailLongestStep).sort((a, b) => b[1] - a[1])
    const total = tail.reduce((n, [, v]) => n + v, 0)
    out(`  ${label}: messages at or above p99 (${total} over the runs), longest step:`)
    for (const [name, n] of tail) out(`    ${name.padEnd(48)} ${pct(n / Math.max(1, total)).padStart(6)}`)
    out(`  ${label}: GC pauses per run (median count, ms) and the share of messages whose flight overlapped one (p99 tail / all):`)
    for (const [proc, g] of Object.entries(s.gc)) {
      const kinds = Object.entries(s.gcKinds[proc] ?? {})
        .map(([k, v]) => `${k} ${v.count} (${v.ms.toFixed(1)} ms, longest ${v.maxMs.toFixed(2)} ms)`)
        .join(', ')
      out(`    ${proc.padEnd(12)} ${String(g.count).padStart(4)} pauses, ${String(g.ms).padStart(6)} ms   overlap ${pct(s.tailGcOverlap[proc] ?? 0)} / ${pct(s.allGcOverlap[proc] ?? 0)}   all runs: ${kinds}`)
    }
  }
}
