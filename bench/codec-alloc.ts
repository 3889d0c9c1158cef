// Allocation probe of the codec microbenchmark (runs in a child process started
// with --expose-gc and a 64 MiB young generation). For each hot-path operation:
// warm up, then run `messages` messages in chunks of 100 000; before each chunk
// force a full GC and read heapUsed, after it read heapUsed again. Garbage made
// inside a chunk stays in the young generation (64 MiB is far more than a chunk
// of a zero-allocation loop needs), so the summed deltas are the bytes
// allocated; a scavenge inside a chunk would hide some, so those are counted
// (via PerformanceObserver) and reported too. The figure is the median chunk
// (allocation per message shows in every chunk; the harness's own one-off JIT
// work, e.g. on-stack replacement of these loops, in a few); the mean is
// reported beside it. Zero scavenges and ~0 B/msg means the loop allocates
// nothing per message.
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { copyBlobs, encodeFast, makeWorkload, MESSAGES_PER_FRAME, stampAll, verifyAndIterate, checkWorkload } from './codec-workload.js'

export interface AllocationResult {
  messages: number
  /** Median over chunks: per-message allocation shows in every chunk, one-off JIT work in few. */
  bytesPerMessage: number
  /** Mean over chunks, including one-off JIT/code allocation of the harness. */
  meanBytesPerMessage: number
  scavenges: number
}

export interface AllocationReport {
  ops: Record<string, AllocationResult>
}

const CHUNK_MESSAGES = 100_000

export async function measureAllocation(messages: number): Promise<AllocationReport> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('allocation probe needs node --expose-gc')
  const w = makeWorkload()
  checkWorkload(w)
  // Harness state in a Float64Array: doubles stored in closure variables are
  // boxed on each store, which would be counted against the codec.
  const st = new Float64Array(3) // 0: sink, 1: pseq, 2: gsn
  st[1] = 1
  st[2] = 1
  const ops: Record<string, () => void> = {
    'verify+iterate': () => {
      st[0] += verifyAndIterate(w, w.fastFrame)
    },
    stamp: () => {
      st[2] = stampAll(w, st[2]!)
    },
    encode: () => {
      st[0] += encodeFast(w, st[1]!)
      st[1] += MESSAGES_PER_FRAME
    },
    'copy blob': () => {
      st[0] += copyBlobs(w)
    },
  }
  // GC entries are delivered asynchronously, after the synchronous loops: keep
  // their start times and match them against the chunks' time windows at the end.
  const scavengeTimes: number[] = []
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const detail = (e as { detail?: { kind?: number } }).detail
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavengeTimes.push(e.startTime)
    }
  })
  observer.observe({ entryTypes: ['gc'] })

  const windows: Record<string, number[]> = {}
  const report: AllocationReport = { ops: {} }
  const framesPerChunk = CHUNK_MESSAGES / MESSAGES_PER_FRAME
  const chunks = Math.max(1, Math.round(messages / CHUNK_MESSAGES))
  for (const [name, fn] of Object.entries(ops)) {
    process.stderr.write(`  allocation: ${name} (${(chunks * CHUNK_MESSAGES).toLocaleString('en-US')} messages)...\n`)
    for (let i = 0; i < 20 * framesPerChunk; i++) fn() // warm-up: let the JIT settle
    const deltas: number[] = []
    const win: number[] = (windows[name] = [])
    for (let c = 0; c < chunks; c++) {
      gc()
      const t0 = performance.now()
      const h0 = process.memoryUsage().heapUsed
      for (let i = 0; i < framesPerChunk; i++) fn()
      const h1 = process.memoryUsage().heapUsed
      win.push(t0, performance.now())
      deltas.push(h1 - h0)
    }
    const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length
    const median = deltas.sort((a, b) => a - b)[deltas.length >> 1]!
    report.ops[name] = {
      messages: chunks * CHUNK_MESSAGES,
      bytesPerMessage: Math.max(0, median / CHUNK_MESSAGES),
      meanBytesPerMessage: Math.max(0, mean / CHUNK_MESSAGES),
      scavenges: 0,
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200))
  observer.disconnect()
  for (const [name, win] of Object.entries(windows)) {
    let n = 0
    for (const t of scavengeTimes) for (let i = 0; i < win.length; i += 2) if (t >= win[i]! && t <= win[i + 1]!) n++
    report.ops[name]!.scavenges = n
  }
  if (st[0] === -1) process.stderr.write(String(st[0]))
  return report
}
