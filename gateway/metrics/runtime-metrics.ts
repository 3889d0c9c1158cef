// Process and Node.js runtime figures for /metrics and the admin API: CPU time,
// memory, open files, event-loop delay (perf_hooks.monitorEventLoopDelay) and
// garbage collections (a PerformanceObserver on 'gc' entries). Names follow the
// ones prom-client's default metrics use, so existing dashboards read them.
// Event-loop delay is reported over a rolling window (the last complete one), so
// two scrapers (Prometheus and the dashboard) never reset each other's view.

import { readdirSync } from 'node:fs'
import { monitorEventLoopDelay, PerformanceObserver, constants, type IntervalHistogram } from 'node:perf_hooks'
import { counter, gauge, type MetricFamily } from '../../engine/metric-family.js'
import { LatencyHistogram } from './latency-histogram.js'

/** Window of the event-loop delay figures, ms. */
const LOOP_WINDOW_MS = 5000

const GC_BOUNDS = Object.freeze([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1])

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
}

export interface LoopDelay {
  meanSeconds: number
  p50Seconds: number
  p99Seconds: number
  maxSeconds: number
}

export interface RuntimeSnapshot {
  cpuUserSeconds: number
  cpuSystemSeconds: number
  rssBytes: number
  heapUsedBytes: number
  heapTotalBytes: number
  externalBytes: number
  arrayBuffersBytes: number
  openFds: number
  startTimeSeconds: number
  eventLoopDelay: LoopDelay
  gc: { kind: string; count: number; seconds: number }[]
}

const ZERO_DELAY: LoopDelay = Object.freeze({ meanSeconds: 0, p50Seconds: 0, p99Seconds: 0, maxSeconds: 0 })

export class RuntimeMetrics {
  private loop: IntervalHistogram | null = null
  private lastWindow: LoopDelay = ZERO_DELAY
  private timer: ReturnType<typeof setInterval> | null = null
  private observer: PerformanceObserver | null = null
  private readonly gc = new Map<string, LatencyHistogram>()

  start(): void {
    if (this.loop !== null) return
    this.loop = monitorEventLoopDelay({ resolution: 10 })
    this.loop.enable()
    this.timer = setInterval(() => this.rollWindow(), LOOP_WINDOW_MS)
    this.timer.unref()
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other'
        let h = this.gc.get(kind)
        if (h === undefined) this.gc.set(kind, (h = new LatencyHistogram(GC_BOUNDS)))
        h.observe(e.duration / 1000)
      }
    })
    this.observer.observe({ entryTypes: ['gc'] })
  }

  stop(): void {
    this.loop?.disable()
    this.loop = null
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    this.observer?.disconnect()
    this.observer = null
  }

  private rollWindow(): void {
    const h = this.loop
    if (h === null) return
    if (h.count > 0) {
      // monitorEventLoopDelay reports nanoseconds.
      this.lastWindow = { meanSeconds: h.mean / 1e9, p50Seconds: h.percentile(50) / 1e9, p99Seconds: h.percentile(99) / 1e9, maxSeconds: h.max / 1e9 }
    }
    h.reset()
  }

  snapshot(): RuntimeSnapshot {
    const cpu = process.cpuUsage()
    const mem = process.memoryUsage()
    let openFds = 0
    try {
      openFds = readdirSync('/proc/self/fd').length
    } catch {
      openFds = 0 // not Linux
    }
    return {
      cpuUserSeconds: cpu.user / 1e6,
      cpuSystemSeconds: cpu.system / 1e6,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      arrayBuffersBytes: mem.arrayBuffers,
      openFds,
      startTimeSeconds: Math.round(Date.now() / 1000 - process.uptime()),
      eventLoopDelay: this.lastWindow,
      gc: [...this.gc.entries()].map(([kind, h]) => {
        const s = h.snapshot()
        return { kind, count: s.count, seconds: s.sumSeconds }
      }),
    }
  }

  families(): MetricFamily[] {
    const s = this.snapshot()
    const d = s.eventLoopDelay
    return [
      counter('process_cpu_user_seconds_total', 'User CPU time spent, seconds.', s.cpuUserSeconds),
      counter('process_cpu_system_seconds_total', 'System CPU time spent, seconds.', s.cpuSystemSeconds),
      counter('process_cpu_seconds_total', 'User and system CPU time spent, seconds.', s.cpuUserSeconds + s.cpuSystemSeconds),
      gauge('process_resident_memory_bytes', 'Resident memory size, bytes.', s.rssBytes),
      gauge('process_open_fds', 'Open file descriptors.', s.openFds),
      gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, seconds.', s.startTimeSeconds),
      gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, bytes.', s.heapUsedBytes),
      gauge('nodejs_heap_size_total_bytes', 'V8 heap reserved, bytes.', s.heapTotalBytes),
      gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects, bytes.', s.externalBytes),
      gauge('nodejs_array_buffers_bytes', 'Memory of ArrayBuffers and SharedArrayBuffers, bytes.', s.arrayBuffersBytes),
      gauge('nodejs_eventloop_lag_mean_seconds', `Mean event-loop delay over the last ${LOOP_WINDOW_MS / 1000} s window.`, d.meanSeconds),
      gauge('nodejs_eventloop_lag_p50_seconds', `Median event-loop delay over the last ${LOOP_WINDOW_MS / 1000} s window.`, d.p50Seconds),
      gauge('nodejs_eventloop_lag_p99_seconds', `99th percentile event-loop delay over the last ${LOOP_WINDOW_MS / 1000} s window.`, d.p99Seconds),
      gauge('nodejs_eventloop_lag_max_seconds', `Largest event-loop delay over the last ${LOOP_WINDOW_MS / 1000} s window.`, d.maxSeconds),
      {
        name: 'nodejs_gc_duration_seconds',
        help: 'Garbage collection pauses of the main thread by kind (major, minor, incremental, weakcb).',
        type: 'histogram',
        series: [...this.gc.entries()].map(([kind, h]) => {
          const snap = h.snapshot()
          return { labels: { kind }, buckets: snap.buckets, sum: snap.sumSeconds, count: snap.count }
        }),
      },
    ]
  }
}
