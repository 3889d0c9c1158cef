// Starts one publisher thread (engine-publisher.worker.ts) and exposes when it is ready and what it reported.
// Shared by engine-bench.ts and the comparison's embedded runner (bench/compare/procs/ordo-embedded-proc.ts).

import { Worker } from 'node:worker_threads'
import type { PublisherData, PublisherResult } from './engine-publisher.worker.js'

export interface PublisherThread {
  /** Resolves once the thread attached its port and waits for CTL_START. */
  ready: Promise<void>
  /** Resolves with the thread's report after CTL_STOP; rejects if it fails or exits without one. */
  result: Promise<PublisherResult>
}

export function startPublisherThread(data: PublisherData): PublisherThread {
  const worker = new Worker(new URL('./engine-publisher.worker.js', import.meta.url), { workerData: data })
  let onReady = (): void => {}
  const ready = new Promise<void>((r) => (onReady = r))
  const result = new Promise<PublisherResult>((resolve, reject) => {
    let value: PublisherResult | undefined
    worker.on('message', (m: { kind: string; value?: PublisherResult }) => {
      if (m.kind === 'ready') onReady()
      else if (m.kind === 'result') value = m.value
    })
    worker.on('error', reject)
    worker.on('exit', (code) => (code === 0 && value !== undefined ? resolve(value) : reject(new Error(`publisher exited: code=${code}`))))
  })
  return { ready, result }
}
