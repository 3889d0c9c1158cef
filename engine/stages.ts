// Starting the pipeline's worker threads and waiting for their first word.

import { Worker } from 'node:worker_threads'
import { StageFailedError } from './errors.js'

export interface StageHandle {
  worker: Worker
  /** Resolves with the worker's 'stopped' message. */
  stopped: Promise<Record<string, unknown>>
  /** Set once the worker reported a failure or died. */
  failure: StageFailedError | null
}

export async function startStage(
  name: string,
  file: URL,
  workerData: unknown,
  onFailure: (err: StageFailedError) => void,
): Promise<{ handle: StageHandle; ready: Record<string, unknown> }> {
  const worker = new Worker(file, { workerData, name: `ordo-${name}` })
  let resolveStopped!: (m: Record<string, unknown>) => void
  const stopped = new Promise<Record<string, unknown>>((r) => (resolveStopped = r))
  const handle: StageHandle = { worker, stopped, failure: null }
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let isReady = false
    const fail = (code: string, message: string): void => {
      const err = new StageFailedError(name, code, message)
      if (handle.failure === null) handle.failure = err
      if (!isReady) reject(err)
      else onFailure(err)
      resolveStopped({ type: 'failed', code, message })
    }
    worker.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'ready') {
        isReady = true
        resolve(m)
      } else if (m.type === 'stopped') resolveStopped(m)
      else if (m.type === 'failed') fail(String(m.code), String(m.message))
      else if (m.type === 'warning') process.emitWarning(String(m.message), { code: 'ORDO_STAGE_WARNING' })
    })
    worker.on('error', (err) => fail('WORKER_ERROR', err.message))
    worker.on('exit', (code) => {
      if (code !== 0) fail('WORKER_EXIT', `exit code ${code}`)
      else resolveStopped({ type: 'exit' })
    })
  })
  return { handle, ready }
}
