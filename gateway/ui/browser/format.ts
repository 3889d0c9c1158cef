// Number formatting for the dashboard: fixed significant digits and SI / binary
// suffixes, so a figure keeps its width while it changes (no jumping columns).
// Runs in the browser: no imports.

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 1234567 -> "1,234,567" (gsns, gseqs, counts that must stay exact). */
export function exact(n: number): string {
  return grouped.format(n)
}

/** 1234 -> "1.23k", 5600000 -> "5.60M"; below 1000 up to one decimal. */
export function si(n: number): string {
  if (!Number.isFinite(n)) return '–'
  const a = Math.abs(n)
  if (a < 1000) return a < 10 && a !== Math.floor(a) ? n.toFixed(1) : String(Math.round(n))
  const units = ['k', 'M', 'G', 'T']
  let v = n / 1000
  let u = 0
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)}${units[u]}`
}

/** Bytes with binary units: "12.3 MiB". */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${v} B` : `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`
}

/** Seconds as "850 µs", "12.5 ms", "1.20 s". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  if (seconds === 0) return '0'
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(0)} µs`
  if (seconds < 1) {
    const ms = seconds * 1e3
    return `${ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)} ms`
  }
  return `${seconds.toFixed(2)} s`
}

/** Uptime as "3d 4h", "5h 12m", "7m 3s". */
export function uptime(seconds: number): string {
  const s = Math.floor(seconds)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return `${d}d ${h}h`
  if (h > 0) return `${h}h ${m}m`
  return `${m}m ${s % 60}s`
}

/** A rate per second: "12.3k/s". */
export function rate(perSecond: number): string {
  return `${si(perSecond)}/s`
}
