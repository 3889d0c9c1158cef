// Starts a test worker and collects its messages; fails (rejects) on error, non-zero
// exit, or if it has not finished within timeoutMs (so a hung ring fails the test
// instead of hanging the suite).

import { Worker } from 'node:worker_threads'

export interface WorkerRun<T> {
  worker: Worker
  /** Resolves with the worker's last 'result' message. */
  result: Promise<T>
  /** Resolves when the worker posts { kind: 'ready' } (or at once if it never does: see waitReady). */
  ready: Promise<void>
}

export function startWorker<T>(file: string, workerData: unknown, timeoutMs = 60_000): WorkerRun<T> {
  const worker = new Worker(new URL(`../workers/${file}`, import.meta.url), { workerData })
  let onReady: () => void = () => {}
  const ready = new Promise<void>((res) => (onReady = res))
  const result = new Promise<T>((resolve, reject) => {
    let value: T | undefined
    let got = false
    const timer = setTimeout(() => {
      void worker.terminate()
      reject(new Error(`worker ${file} did not finish: timeoutMs=${timeoutMs}`))
    }, timeoutMs)
    worker.on('message', (m: { kind: string; value?: T }) => {
      if (m.kind === 'ready') onReady()
      else if (m.kind === 'result') {
        value = m.value
        got = true
      }
    })
    worker.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    worker.on('exit', (code) => {
      clearTimeout(timer)
      if (code !== 0) reject(new Error(`worker ${file} exited: code=${code}`))
      else if (!got) reject(new Error(`worker ${file} exited without a result`))
      else resolve(value as T)
    })
  })
  return { worker, result, ready }
}

/** Random seed for a test run, or ORDO_TEST_SEED when set (to replay a failure). */
export function testSeed(): number {
  const env = process.env['ORDO_TEST_SEED']
  return env !== undefined ? Number(env) : (Math.random() * 2 ** 31) | 0
}
