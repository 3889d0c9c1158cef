// Exposing ordo's metrics through an embedder's own prom-client registry, so an
// application that already serves /metrics with prom-client shows the engine's
// (and, given a gateway, the gateway's) figures next to its own:
//
//   import { Registry, collectDefaultMetrics } from 'prom-client'
//   import { registerEngineMetrics } from 'ordo/engine'
//   const registry = new Registry()
//   collectDefaultMetrics({ register: registry })   // process and Node.js metrics
//   registerEngineMetrics(registry, engine)
//
// Each family becomes one custom metric object in the registry (prom-client calls
// its get() on every scrape); the snapshot is read once per scrape, however many
// families ask. prom-client itself is not imported: the registry is passed in, so
// it stays an optional peer dependency. Families are registered once, by name; a
// family with no samples at a scrape shows only its HELP and TYPE lines.

import type { EngineMetrics } from './engine-port.js'
import { engineMetricFamilies } from './metric-families.js'
import type { MetricFamily } from './metric-family.js'

/** The part of prom-client's Registry used here. */
export interface PromRegistryLike {
  registerMetric(metric: never): void
}

interface PromValue {
  value: number
  labels: Record<string, string | number>
  metricName?: string
}

/** Registers every family that `source` returns (read once per scrape). Returns the names registered. */
export function registerMetricFamilies(registry: PromRegistryLike, source: () => MetricFamily[]): string[] {
  let cached: Map<string, MetricFamily> | null = null
  const read = (): Map<string, MetricFamily> => {
    if (cached === null) {
      cached = new Map(source().map((f) => [f.name, f]))
      // One registry.metrics() call asks every metric in the same tick: read once for all.
      setImmediate(() => {
        cached = null
      })
    }
    return cached
  }
  const names: string[] = []
  for (const family of source()) {
    const { name, help, type } = family
    const metric = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: promValues(read().get(name)) }),
      reset: () => {},
    }
    registry.registerMetric(metric as never)
    names.push(name)
  }
  return names
}

/** Registers the engine's metrics (engine/metric-families.ts) in a prom-client registry. */
export function registerEngineMetrics(registry: PromRegistryLike, engine: { metricsSnapshot(): EngineMetrics }): string[] {
  return registerMetricFamilies(registry, () => engineMetricFamilies(engine.metricsSnapshot()))
}

function promValues(f: MetricFamily | undefined): PromValue[] {
  if (f === undefined) return []
  if (f.type !== 'histogram') return f.samples.map((s) => ({ value: s.value, labels: { ...s.labels } }))
  const out: PromValue[] = []
  for (const h of f.series) {
    let sawInf = false
    for (const b of h.buckets) {
      if (b.le === Infinity) sawInf = true
      out.push({ metricName: `${f.name}_bucket`, value: b.count, labels: { ...h.labels, le: b.le === Infinity ? '+Inf' : b.le } })
    }
    if (!sawInf) out.push({ metricName: `${f.name}_bucket`, value: h.count, labels: { ...h.labels, le: '+Inf' } })
    out.push({ metricName: `${f.name}_sum`, value: h.sum, labels: { ...h.labels } })
    out.push({ metricName: `${f.name}_count`, value: h.count, labels: { ...h.labels } })
  }
  return out
}
