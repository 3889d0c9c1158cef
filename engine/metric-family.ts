// Metrics as data: a family (name, help, type) and its samples, produced once per
// scrape and rendered by whoever serves them: the gateway's /metrics page
// (gateway/prometheus-text.ts) or an embedder's prom-client registry
// (engine/prom-client-collector.ts). One list of names and help texts, two outputs.

export type Labels = Readonly<Record<string, string | number>>

export interface Sample {
  value: number
  labels?: Labels
}

export interface HistogramSeries {
  labels?: Labels
  /** Cumulative counts per upper bound `le` (seconds); a +Inf bound may be included. */
  buckets: readonly { le: number; count: number }[]
  sum: number
  count: number
}

export type MetricFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: Sample[] }
  | { name: string; help: string; type: 'histogram'; series: HistogramSeries[] }

export function counter(name: string, help: string, value: number, labels?: Labels): MetricFamily {
  return { name, help, type: 'counter', samples: [{ value, labels }] }
}

export function gauge(name: string, help: string, value: number, labels?: Labels): MetricFamily {
  return { name, help, type: 'gauge', samples: [{ value, labels }] }
}
