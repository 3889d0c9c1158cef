// Bytes allocated on the current thread's V8 heap over a window, and its GC pauses.
//
// V8 keeps no running total of allocated bytes, so the probe reconstructs it:
//   allocated = usedHeap(end) - usedHeap(start) + Σ over GCs (usedHeap before - after)
// using v8.GCProfiler, which records heap statistics around every GC of this isolate.
// GCProfiler is read synchronously at stop(), which is why it works in a worker that
// busy-loops; PerformanceObserver('gc') callbacks would never get to run there.
// Only this thread's isolate is seen: other threads (the engine's sequencer and journal
// workers) are invisible to it.

import v8 from 'node:v8'

export interface AllocResult {
  bytes: number
  messages: number
  gcCount: number
  gcPauseMs: number
  gcMaxPauseMs: number
  measured: boolean
}

interface GcStat {
  gcType: string
  cost: number
  beforeGC: { heapStatistics: { usedHeapSize: number } }
  afterGC: { heapStatistics: { usedHeapSize: number } }
}

export class AllocProbe {
  running = false
  private profiler: { start(): void; stop(): { statistics: GcStat[] } } | null = null
  private used0 = 0
  private out: AllocResult = { bytes: 0, messages: 0, gcCount: 0, gcPauseMs: 0, gcMaxPauseMs: 0, measured: false }

  start(): void {
    const Ctor = (v8 as unknown as { GCProfiler?: new () => { start(): void; stop(): { statistics: GcStat[] } } }).GCProfiler
    if (Ctor === undefined) return
    this.profiler = new Ctor()
    this.used0 = v8.getHeapStatistics().used_heap_size
    this.profiler.start()
    this.running = true
  }

  /** Closes the window; messages = how many messages this thread handled in it. */
  stop(messages: number): void {
    if (!this.running || this.profiler === null) return
    const used1 = v8.getHeapStatistics().used_heap_size
    const stats = this.profiler.stop().statistics
    this.running = false
    let freed = 0
    let pause = 0
    let maxPause = 0
    for (const s of stats) {
      freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize
      const ms = s.cost / 1000 // GCProfiler reports cost in microseconds
      pause += ms
      if (ms > maxPause) maxPause = ms
    }
    this.out = { bytes: Math.max(0, used1 - this.used0 + freed), messages, gcCount: stats.length, gcPauseMs: pause, gcMaxPauseMs: maxPause, measured: true }
  }

  result(): AllocResult {
    return this.out
  }
}
