// The microbenchmarks' shared harness: time a case with tinybench, then measure the bytes
// it allocates per operation.
//
// A case is a function that performs `opsPerCall` operations per call (one ring record,
// one message, one journal batch ...): tinybench times calls, the figures are divided by
// opsPerCall. ops/s is given from the mean and from the median call; p99 is the 99th
// percentile of the per-call time divided by opsPerCall (a slow call spread over its ops,
// not the slowest single op).
//
// Allocation: after a warm-up, `chunks` chunks of calls run, each between two readings of
// the used heap with a full GC forced just before (node --expose-gc). A collection inside a
// chunk would hide what it freed, so every chunk runs under v8.GCProfiler, which records the
// heap before and after each collection: allocated = used(end) - used(start) + what the
// collections took away. The collections are also counted with a PerformanceObserver ('gc'
// entries) and reported, so a loop that allocates shows as bytes and as collections.
// Two readings: B/op counts the young generation (new space and its large-object space),
// where every JS allocation of the operation lands; heap B/op counts heapUsed, all spaces,
// which also holds the JIT's work (code, deoptimisation data: hundreds of KiB per chunk for
// a while after start on a loaded machine) and pretenured objects. B/op is the median chunk
// (per-op allocation shows in every chunk, one-off work in a few); the mean is in the JSON.

import v8 from 'node:v8'
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { Bench } from 'tinybench'

export interface MicroCase {
  /** Area: ring, codec, sequencer, journal, fanout. */
  area: string
  name: string
  /** Operations done by one call of fn (figures are per operation). */
  opsPerCall: number
  /** What one operation is (printed under the table). */
  unit: string
  fn: () => void
  /** Items (e.g. messages) per operation: the table adds a per-item line. */
  perItem?: number
  /** Caps on the timing and on the allocation run (cases that write files). */
  maxTimeMs?: number
  maxAllocOps?: number
  /** Run once before this case is timed. */
  setup?: () => void
}

export interface MicroArea {
  cases: MicroCase[]
  /** Throws if what the cases did was wrong (run after timing and allocation). */
  check(): void
  /** Releases files, temp dirs. */
  close(): void
}

export interface MicroResult {
  area: string
  name: string
  unit: string
  perItem: number
  opsPerSecMean: number
  opsPerSecMedian: number
  nsPerOp: number
  p99NsPerOp: number
  rmePercent: number
  samples: number
  bytesPerOp: number
  meanBytesPerOp: number
  /** The same from heapUsed (all spaces): also counts the JIT's code and metadata. */
  heapBytesPerOp: number
  allocOps: number
  gcs: number
}

export interface MeasureOptions {
  timeMs: number
  warmupMs: number
  /** Operations measured for allocation (rounded to whole calls and chunks). */
  allocOps: number
  chunks: number
  /** Minimum warm-up before the allocation chunks. */
  allocWarmupMs: number
}

interface SpaceStat {
  spaceName: string
  spaceUsedSize: number
}
interface GcHeap {
  heapStatistics: { usedHeapSize: number }
  heapSpaceStatistics: SpaceStat[]
}
interface GcProfiler {
  start(): void
  stop(): { statistics: { beforeGC: GcHeap; afterGC: GcHeap }[] } | undefined
}
type GcProfilerCtor = new () => GcProfiler

/** Where a JS allocation lands first: the young generation (objects over ~128 KiB: its large-object space). */
function isYoung(space: string): boolean {
  return space === 'new_space' || space === 'new_large_object_space'
}

const median = (xs: Float64Array): number => Array.from(xs).sort((a, b) => a - b)[xs.length >> 1]!
const mean = (xs: Float64Array): number => xs.reduce((a, b) => a + b, 0) / xs.length

function youngUsedNow(): number {
  let n = 0
  for (const sp of v8.getHeapSpaceStatistics()) if (isYoung(sp.space_name)) n += sp.space_used_size
  return n
}

function youngUsed(stats: SpaceStat[]): number {
  let n = 0
  for (const sp of stats) if (isYoung(sp.spaceName)) n += sp.spaceUsedSize
  return n
}

export async function measure(c: MicroCase, o: MeasureOptions): Promise<MicroResult> {
  c.setup?.()
  const timeMs = Math.min(o.timeMs, c.maxTimeMs ?? Infinity)
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(o.warmupMs, timeMs), throws: true })
  bench.add(c.name, c.fn)
  const [task] = bench.runSync()
  const r = task!.result
  if (r.state !== 'completed') throw new Error(`benchmark ${c.area}/${c.name} did not complete: state=${r.state}`)
  const lat = r.latency // ms per call
  const alloc = await allocation(c, o)
  return {
    area: c.area,
    name: c.name,
    unit: c.unit,
    perItem: c.perItem ?? 0,
    opsPerSecMean: (c.opsPerCall * 1000) / lat.mean,
    opsPerSecMedian: (c.opsPerCall * 1000) / lat.p50,
    nsPerOp: (lat.p50 * 1e6) / c.opsPerCall,
    p99NsPerOp: (lat.p99 * 1e6) / c.opsPerCall,
    rmePercent: lat.rme,
    samples: lat.samplesCount,
    ...alloc,
  }
}

async function allocation(c: MicroCase, o: MeasureOptions): Promise<{ bytesPerOp: number; meanBytesPerOp: number; heapBytesPerOp: number; allocOps: number; gcs: number }> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('allocation needs a forced GC: run node with --expose-gc (npm run bench does)')
  const Profiler = (v8 as unknown as { GCProfiler?: GcProfilerCtor }).GCProfiler
  if (Profiler === undefined) throw new Error(`v8.GCProfiler is missing in node ${process.version} (needs >= 18.15)`)
  const allocOps = Math.min(o.allocOps, c.maxAllocOps ?? Infinity)
  const callsPerChunk = Math.max(1, Math.round(allocOps / o.chunks / c.opsPerCall))
  const fn = c.fn
  // GC entries arrive asynchronously, after the synchronous loops: keep their start
  // times and count those inside the chunks' windows at the end.
  const gcTimes: number[] = []
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind
      if (kind !== undefined && kind !== constants.NODE_PERFORMANCE_GC_WEAKCB) gcTimes.push(e.startTime)
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  // Warm-up of this exact loop: at least one chunk and allocWarmupMs, so the JIT's one-off
  // work (optimising, on-stack replacement: code objects count as used heap) is done.
  const warmEnd = performance.now() + o.allocWarmupMs
  for (let n = 0; n < callsPerChunk || performance.now() < warmEnd; n++) fn()
  const windows = new Float64Array(o.chunks * 2)
  const young = new Float64Array(o.chunks)
  const heap = new Float64Array(o.chunks)
  const profiler = new Profiler()
  const chunk = (calls: number, k: number): void => {
    gc()
    profiler.start()
    const t0 = performance.now()
    const heap0 = process.memoryUsage().heapUsed
    const young0 = youngUsedNow()
    for (let i = 0; i < calls; i++) fn()
    const young1 = youngUsedNow()
    const heap1 = process.memoryUsage().heapUsed
    const t1 = performance.now()
    const stats = profiler.stop()?.statistics ?? []
    let heapFreed = 0
    let youngLeft = 0 // freed or promoted out of the young generation by collections
    for (const st of stats) {
      heapFreed += st.beforeGC.heapStatistics.usedHeapSize - st.afterGC.heapStatistics.usedHeapSize
      youngLeft += youngUsed(st.beforeGC.heapSpaceStatistics) - youngUsed(st.afterGC.heapSpaceStatistics)
    }
    young[k] = young1 - young0 + youngLeft
    heap[k] = heap1 - heap0 + heapFreed
    windows[2 * k] = t0
    windows[2 * k + 1] = t1
  }
  // The readings allocate a little themselves (the result objects of the heap statistics
  // calls): measure that with empty chunks and subtract it.
  for (let k = 0; k < Math.min(3, o.chunks); k++) chunk(0, k)
  const youngBase = median(young.subarray(0, Math.min(3, o.chunks)))
  const heapBase = median(heap.subarray(0, Math.min(3, o.chunks)))
  for (let k = 0; k < o.chunks; k++) chunk(callsPerChunk, k)
  for (let k = 0; k < o.chunks; k++) {
    young[k] = young[k]! - youngBase
    heap[k] = heap[k]! - heapBase
  }
  await new Promise((resolve) => setTimeout(resolve, 50))
  observer.disconnect()
  let gcs = 0
  for (const t of gcTimes) for (let k = 0; k < o.chunks; k++) if (t >= windows[2 * k]! && t <= windows[2 * k + 1]!) gcs++
  const opsPerChunk = callsPerChunk * c.opsPerCall
  return {
    bytesPerOp: Math.max(0, median(young) / opsPerChunk),
    meanBytesPerOp: Math.max(0, mean(young) / opsPerChunk),
    heapBytesPerOp: Math.max(0, median(heap) / opsPerChunk),
    allocOps: opsPerChunk * o.chunks,
    gcs,
  }
}
