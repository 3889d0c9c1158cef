// Garbage-collection pauses of this thread on the monotonic clock, so a benchmark can see
// whether a slow message overlapped a pause in some process. PerformanceObserver 'gc'
// entries carry startTime on this thread's performance.now() clock.

import { PerformanceObserver, constants } from 'node:perf_hooks'
import { monotonicMs } from '../../engine/trace/monotonic-clock.js'

/** [start ms (monotonic), duration ms, kind] per pause. */
export type GcPause = [number, number, string]

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
}

export class GcLog {
  readonly pauses: GcPause[] = []
  private readonly offset = monotonicMs() - performance.now()
  private readonly observer: PerformanceObserver

  constructor() {
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0
        this.pauses.push([e.startTime + this.offset, e.duration, KINDS[kind] ?? String(kind)])
      }
    })
    this.observer.observe({ entryTypes: ['gc'] })
  }

  /** Pauses that started at or after `from` (monotonic ms). */
  since(from: number): GcPause[] {
    return this.pauses.filter((p) => p[0] >= from)
  }

  close(): void {
    this.observer.disconnect()
  }
}
