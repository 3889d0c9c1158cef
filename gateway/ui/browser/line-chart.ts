// A small time-series chart on a canvas: a window of points per series (it
// grows from one minute to its full length as data comes), a y axis that scales
// to a "nice" maximum or, for latency, a log axis by decades (p50 and p99 often
// differ by 10-100x: on a linear axis the median would be a flat line), grid
// lines, and nothing else. The
// canvas keeps its CSS size (no layout jumps) and draws at the device's pixel
// ratio. Colours come from CSS custom properties, so dark and light themes work.

export interface Series {
  label: string
  /** CSS custom property holding the colour, e.g. '--c1'. */
  colorVar: string
}

export class LineChart {
  private readonly data: number[][]
  private readonly ctx: CanvasRenderingContext2D

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly series: readonly Series[],
    /** Points kept per series (one per poll). */
    private readonly points: number,
    /** Formats axis labels. */
    private readonly format: (v: number) => string,
    /** Logarithmic y axis (decades). */
    private readonly log = false,
  ) {
    this.data = series.map(() => [])
    this.ctx = canvas.getContext('2d')!
  }

  push(values: readonly number[]): void {
    for (let i = 0; i < this.series.length; i++) {
      const d = this.data[i]!
      d.push(values[i] ?? NaN)
      if (d.length > this.points) d.shift()
    }
  }

  draw(): void {
    const c = this.canvas
    const ratio = window.devicePixelRatio || 1
    const w = c.clientWidth
    const h = c.clientHeight
    if (c.width !== Math.round(w * ratio) || c.height !== Math.round(h * ratio)) {
      c.width = Math.round(w * ratio)
      c.height = Math.round(h * ratio)
    }
    const g = this.ctx
    g.setTransform(ratio, 0, 0, ratio, 0, 0)
    g.clearRect(0, 0, w, h)
    const style = getComputedStyle(c)
    const grid = style.getPropertyValue('--grid').trim() || '#8884'
    const text = style.getPropertyValue('--muted').trim() || '#888'
    let max = 0
    let min = Infinity
    let longest = 0
    for (const d of this.data) {
      if (d.length > longest) longest = d.length
      for (const v of d) {
        if (!Number.isFinite(v)) continue
        if (v > max) max = v
        if (v > 0 && v < min) min = v
      }
    }
    const span = Math.min(this.points, Math.max(60, longest))
    const left = 52
    const right = 6
    const padTop = 6
    const padBottom = 16
    const plotW = w - left - right
    const plotH = h - padTop - padBottom
    // Linear: 0..niceCeil(max), 4 bands. Log: whole decades around the data.
    const lo = this.log ? Math.pow(10, Math.floor(Math.log10(Number.isFinite(min) ? min : 1e-4))) : 0
    const hi = this.log ? Math.max(lo * 10, Math.pow(10, Math.ceil(Math.log10(max > 0 ? max : lo * 10)))) : niceCeil(max)
    const bands = this.log ? Math.round(Math.log10(hi / lo)) : 4
    const yOf = (v: number): number => {
      if (this.log) return padTop + plotH - (plotH * Math.log10(Math.max(v, lo) / lo)) / Math.log10(hi / lo)
      return padTop + plotH - (hi === 0 ? 0 : (plotH * v) / hi)
    }
    g.font = '10px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace'
    g.textBaseline = 'middle'
    g.lineWidth = 1
    for (let k = 0; k <= bands; k++) {
      const y = padTop + plotH - (plotH * k) / bands
      g.strokeStyle = grid
      g.beginPath()
      g.moveTo(left, Math.round(y) + 0.5)
      g.lineTo(w - right, Math.round(y) + 0.5)
      g.stroke()
      g.fillStyle = text
      g.textAlign = 'right'
      const v = this.log ? lo * Math.pow(10, k) : (hi * k) / bands
      g.fillText(!this.log && hi === 0 ? (k === 0 ? '0' : '') : this.format(v), left - 6, y)
    }
    g.textAlign = 'left'
    g.fillText(`-${span}s`, left, h - 6)
    g.textAlign = 'right'
    g.fillText('now', w - right, h - 6)
    const step = plotW / Math.max(1, span - 1)
    for (let i = 0; i < this.series.length; i++) {
      const d = this.data[i]!
      g.strokeStyle = style.getPropertyValue(this.series[i]!.colorVar).trim() || '#4af'
      g.lineWidth = 1.5
      g.beginPath()
      let pen = false
      const from = Math.max(0, d.length - span)
      const offset = span - (d.length - from)
      for (let k = from; k < d.length; k++) {
        const v = d[k]!
        if (!Number.isFinite(v)) {
          pen = false
          continue
        }
        const x = left + (offset + k - from) * step
        const y = yOf(v)
        if (pen) g.lineTo(x, y)
        else g.moveTo(x, y)
        pen = true
      }
      g.stroke()
    }
  }

  /** Latest value of each series (NaN when none). */
  latest(i: number): number {
    const d = this.data[i]!
    for (let k = d.length - 1; k >= 0; k--) if (Number.isFinite(d[k]!)) return d[k]!
    return NaN
  }
}

/** 1, 2, 2.5, 5 × 10^k at or above v. */
function niceCeil(v: number): number {
  if (v <= 0) return 0
  const p = Math.pow(10, Math.floor(Math.log10(v)))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}
