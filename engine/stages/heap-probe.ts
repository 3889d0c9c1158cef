// Allocation probe for the pipeline's worker threads (they run a blocking loop, so no
// PerformanceObserver callbacks): every ~250 ms the stage reads its isolate's used heap
// and what v8.GCProfiler saw since the last reading (it records synchronously, from V8's
// GC callbacks, no event loop needed):
//
//   allocated = used_now - used_last + Σ over collections (used before - used after)
//
// so allocation that a collection already reclaimed is counted too, and the collections'
// pause time is summed. The probe's own allocation (the profiler's report, a few KiB per
// reading) is measured around it and left out. allocated / messages over a steady run is
// the per-message allocation the benchmark prints.
// Words (in the watermark block's heap slot, owner: the stage):
//   [allocated u64 (4 words)][collections u32][GC pause µs u32]

import { getHeapStatistics, GCProfiler } from 'node:v8'
import { addU64 } from '../descriptors/watermark-descriptor.js'

const INTERVAL_MS = 250

interface GcStat {
  beforeGC: { heapStatistics: { usedHeapSize: number } }
  afterGC: { heapStatistics: { usedHeapSize: number } }
  cost: number
}

export class HeapProbe {
  private readonly profiler = new GCProfiler()
  private last: number
  private at = performance.now()

  constructor(private readonly wm: Int32Array, private readonly base: number) {
    this.profiler.start()
    this.last = getHeapStatistics().used_heap_size
  }

  /** Call from the stage loop now and then (cheap when the interval has not passed). */
  sample(now: number): void {
    if (now - this.at < INTERVAL_MS) return
    this.at = now
    const used = getHeapStatistics().used_heap_size
    const report = this.profiler.stop() as unknown as { statistics: GcStat[] } | undefined
    let freed = 0
    let pauseUs = 0
    const stats = report?.statistics ?? []
    for (const s of stats) {
      freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize
      pauseUs += s.cost
    }
    const allocated = used - this.last + freed
    if (allocated > 0) addU64(this.wm, this.base, allocated)
    if (stats.length > 0) {
      Atomics.add(this.wm, this.base + 4, stats.length)
      Atomics.add(this.wm, this.base + 5, Math.round(pauseUs))
    }
    this.profiler.start()
    // What the report and the restart allocated is the probe's, not the stage's: the next
    // interval starts from here.
    this.last = getHeapStatistics().used_heap_size
  }
}
