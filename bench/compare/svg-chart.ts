// The comparison's chart: one self-contained SVG (no dependency, no script, no external font) with two horizontal
// bar charts stacked: throughput per system (msg/s delivered, log scale, limits drawn in grey beside them) and
// publish->deliver latency per system (p50 and p99 bars, µs, log scale). Every bar carries its value as text, so the
// chart reads without the table.

export interface ChartRow {
  label: string
  /** 'limit' rows (bare ring, uWS fan-out) are drawn in grey and only in the throughput chart. */
  kind: 'system' | 'limit'
  /** Delivered msg/s, or null when not measured. */
  throughput: number | null
  p50_us: number | null
  p99_us: number | null
  /** A failed delivery check: the label is marked. */
  failed?: boolean
}

export interface ChartOptions {
  title: string
  /** One line under the title (machine, workload). */
  subtitle: string
}

const WIDTH = 960
const LABEL_W = 220
const BAR_X = LABEL_W + 10
const BAR_W = 580
const ROW_H = 26
const BAR_H = 16
const PANEL_GAP = 40
const COLORS = { system: '#2f6db5', ordo: '#d9822b', limit: '#9aa0a6', p50: '#7fb3e6', p99: '#1f4e8c', ordoP50: '#f2b880', ordoP99: '#b35f12' }

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** 1234 -> "1.23 k", 2500000 -> "2.50 M". */
export function formatCount(v: number): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`
  return v.toFixed(0)
}

/** Microseconds as "850 µs", "3.6 ms", "1.20 s". */
export function formatMicros(us: number): string {
  if (us >= 1e6) return `${(us / 1e6).toFixed(2)} s`
  if (us >= 1e3) return `${(us / 1e3).toFixed(1)} ms`
  return `${us.toFixed(0)} µs`
}

interface LogScale {
  x(v: number): number
  ticks: number[]
}

function logScale(values: number[]): LogScale {
  const pos = values.filter((v) => v > 0)
  const lo = Math.pow(10, Math.floor(Math.log10(pos.length === 0 ? 1 : Math.min(...pos))))
  let hi = Math.pow(10, Math.ceil(Math.log10(pos.length === 0 ? 10 : Math.max(...pos))))
  if (hi <= lo) hi = lo * 10
  const span = Math.log10(hi) - Math.log10(lo)
  const ticks: number[] = []
  for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t)
  return { x: (v) => (v <= lo ? 0 : ((Math.log10(v) - Math.log10(lo)) / span) * BAR_W), ticks }
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs === '' ? '' : ` ${attrs}`}>${escapeXml(s)}</text>`
}

function rect(x: number, y: number, w: number, h: number, fill: string, title: string): string {
  return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, w).toFixed(1)}" height="${h}" fill="${fill}"><title>${escapeXml(title)}</title></rect>`
}

function axis(out: string[], top: number, height: number, scale: LogScale, fmt: (v: number) => string): void {
  for (const t of scale.ticks) {
    const x = BAR_X + scale.x(t)
    out.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${top + height}" stroke="#e3e6ea"/>`)
    out.push(text(x, top + height + 14, fmt(t), 'text-anchor="middle" class="tick"'))
  }
}

const isOrdo = (label: string): boolean => label.toLowerCase().startsWith('ordo')

export function renderChart(rows: readonly ChartRow[], o: ChartOptions): string {
  const out: string[] = []
  let y = 66
  // Throughput panel.
  const tp = rows.filter((r) => r.throughput !== null)
  const tpScale = logScale(tp.map((r) => r.throughput!))
  out.push(text(10, y, 'Throughput: messages delivered per second (log scale)', 'class="h"'))
  y += 12
  const tpTop = y
  axis(out, tpTop, tp.length * ROW_H, tpScale, formatCount)
  for (const r of tp) {
    const v = r.throughput!
    const w = tpScale.x(v)
    const fill = r.kind === 'limit' ? COLORS.limit : isOrdo(r.label) ? COLORS.ordo : COLORS.system
    out.push(text(LABEL_W, y + BAR_H - 3, r.failed ? `${r.label} (check FAILED)` : r.label, `text-anchor="end"${r.failed ? ' class="bad"' : ''}`))
    out.push(rect(BAR_X, y + 2, w, BAR_H, fill, `${r.label}: ${formatCount(v)} msg/s`))
    out.push(text(BAR_X + w + 6, y + BAR_H - 3, `${formatCount(v)} msg/s`))
    y += ROW_H
  }
  y += 24 + PANEL_GAP

  // Latency panel.
  const lat = rows.filter((r) => r.kind === 'system' && r.p50_us !== null && r.p99_us !== null)
  const latScale = logScale(lat.flatMap((r) => [r.p50_us!, r.p99_us!]))
  out.push(text(10, y, 'Latency: publish -> deliver at a fixed offered rate, p50 and p99 (µs, log scale)', 'class="h"'))
  y += 12
  const latTop = y
  axis(out, latTop, lat.length * (2 * BAR_H + 10), latScale, formatMicros)
  for (const r of lat) {
    const ordo = isOrdo(r.label)
    out.push(text(LABEL_W, y + BAR_H + 2, r.failed ? `${r.label} (check FAILED)` : r.label, `text-anchor="end"${r.failed ? ' class="bad"' : ''}`))
    for (const [name, v, fill] of [
      ['p50', r.p50_us!, ordo ? COLORS.ordoP50 : COLORS.p50],
      ['p99', r.p99_us!, ordo ? COLORS.ordoP99 : COLORS.p99],
    ] as const) {
      const w = latScale.x(v)
      out.push(rect(BAR_X, y + 1, w, BAR_H - 2, fill, `${r.label} ${name}: ${formatMicros(v)}`))
      out.push(text(BAR_X + w + 6, y + BAR_H - 4, `${name} ${formatMicros(v)}`, 'class="small"'))
      y += BAR_H
    }
    y += 10
  }
  y += 30
  const height = y
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '<style>.h{font-weight:bold;font-size:13px}.t{font-weight:bold;font-size:16px}.tick{fill:#666;font-size:10px}.small{font-size:11px}.bad{fill:#c0392b;font-weight:bold}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(10, 22, o.title, 'class="t"'),
    text(10, 40, o.subtitle, 'class="tick"'),
    ...out,
    '</svg>',
    '',
  ].join('\n')
}
