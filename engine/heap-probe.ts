// Allocation probe for the pipeline's worker threads (they run a blocking loop, so no
// PerformanceObserver or event loop): every ~250 ms the stage samples its isolate's
// used heap. A rise between two samples is what the thread allocated (and still
// holds); a fall means a garbage collection ran in between, and that interval is not
// counted. allocated / messages over a steady run is the per-message allocation the
// benchmark prints (zero when the hot path allocates nothing: no rise, no collection).
// Words (in the watermark block's heap slot, owner: the stage): [allocated u64 (4 words)][collections u32].

import { getHeapStatistics } from 'node:v8'
import { addU64 } from './watermark-descriptor.js'

const INTERVAL_MS = 250

export class HeapProbe {
  private last = getHeapStatistics().used_heap_size
  private at = performance.now()

  constructor(private readonly wm: Int32Array, private readonly base: number) {}

  /** Call from the stage loop now and then (cheap when the interval has not passed). */
  sample(now: number): void {
    if (now - this.at < INTERVAL_MS) return
    this.at = now
    const used = getHeapStatistics().used_heap_size
    if (used >= this.last) addU64(this.wm, this.base, used - this.last)
    else Atomics.add(this.wm, this.base + 4, 1)
    this.last = used
  }
}
