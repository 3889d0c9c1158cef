// A small writer of the Prometheus text exposition format (version 0.0.4):
// `# HELP` and `# TYPE` lines once per metric family, then one line per sample.
// Used only at scrape time, so it builds strings freely.

import type { Labels, MetricFamily } from '../engine/metric-family.js'

export type MetricType = 'counter' | 'gauge' | 'histogram'
export type { Labels }

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

function formatLabels(labels: Labels | undefined): string {
  if (labels === undefined) return ''
  const keys = Object.keys(labels)
  if (keys.length === 0) return ''
  return `{${keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(',')}}`
}

export class PrometheusText {
  private readonly lines: string[] = []
  private readonly declared = new Set<string>()

  /** Declares a family (HELP + TYPE) once; later calls with the same name are ignored. */
  family(name: string, type: MetricType, help: string): this {
    if (!this.declared.has(name)) {
      this.declared.add(name)
      this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`)
    }
    return this
  }

  sample(name: string, value: number, labels?: Labels): this {
    this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`)
    return this
  }

  /** A family with one unlabelled sample. */
  single(name: string, type: MetricType, help: string, value: number): this {
    return this.family(name, type, help).sample(name, value)
  }

  /** A histogram from cumulative buckets (upper bound `le`, cumulative count), sum and count. */
  histogram(name: string, help: string, buckets: readonly { le: number; count: number }[], sum: number, count: number): this {
    this.family(name, 'histogram', help)
    let sawInf = false
    for (const b of buckets) {
      if (b.le === Infinity) sawInf = true
      this.sample(`${name}_bucket`, b.count, { le: formatValue(b.le) })
    }
    if (!sawInf) this.sample(`${name}_bucket`, count, { le: '+Inf' })
    this.sample(`${name}_sum`, sum)
    this.sample(`${name}_count`, count)
    return this
  }

  /** Writes whole families (engine/metric-family.ts). */
  families(list: readonly MetricFamily[]): this {
    for (const f of list) {
      this.family(f.name, f.type, f.help)
      if (f.type !== 'histogram') {
        for (const s of f.samples) this.sample(f.name, s.value, s.labels)
        continue
      }
      for (const h of f.series) {
        let sawInf = false
        for (const b of h.buckets) {
          if (b.le === Infinity) sawInf = true
          this.sample(`${f.name}_bucket`, b.count, { ...h.labels, le: formatValue(b.le) })
        }
        if (!sawInf) this.sample(`${f.name}_bucket`, h.count, { ...h.labels, le: '+Inf' })
        this.sample(`${f.name}_sum`, h.sum, h.labels)
        this.sample(`${f.name}_count`, h.count, h.labels)
      }
    }
    return this
  }

  toString(): string {
    return this.lines.join('\n') + '\n'
  }
}
