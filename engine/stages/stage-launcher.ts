// Starting the pipeline's worker threads (main thread) and waiting for their first word.
// What each stage posts is typed by its messages module (stage-messages.ts and the
// stage's own), so the receiver reads fields, not an untyped record.

import { Worker } from 'node:worker_threads'
import { StageFailedError } from '../errors.js'
import type { StageFailed, StageMessage, StageWarning } from './stage-messages.js'

/** How a stage's thread ended: its 'stopped' message, a failure, or a plain exit. */
export type StageEnd<Stopped> = Stopped | { type: 'failed'; code: string; message: string } | { type: 'exit' }

export interface StageHandle<Stopped = unknown> {
  worker: Worker
  /** Resolves when the stage stopped: its 'stopped' message, its failure, or its exit. */
  stopped: Promise<StageEnd<Stopped>>
  /** Set once the worker reported a failure or died. */
  failure: StageFailedError | null
}

/** Who hears what a running stage posts besides 'ready', 'stopped' and 'failed'. */
export interface StageListeners<Report> {
  /** A warning (it is also emitted as a process warning, code ORDO_STAGE_WARNING). */
  warning?: (message: string) => void
  /** The stage's own reports (its messages module types them). */
  report?: (m: Report) => void
}

export async function startStage<Ready extends { type: 'ready' }, Stopped extends { type: 'stopped' }, WorkerData, Report extends { type: string } = never>(
  name: string,
  file: URL,
  workerData: WorkerData,
  onFailure: (err: StageFailedError) => void,
  listeners: StageListeners<Report> = {},
): Promise<{ handle: StageHandle<Stopped>; ready: Ready }> {
  const worker = new Worker(file, { workerData, name: `ordo-${name}` })
  let resolveStopped!: (m: StageEnd<Stopped>) => void
  const stopped = new Promise<StageEnd<Stopped>>((r) => (resolveStopped = r))
  const handle: StageHandle<Stopped> = { worker, stopped, failure: null }
  const ready = await new Promise<Ready>((resolve, reject) => {
    let isReady = false
    let stoppedSeen = false // after 'stopped', an exit code from terminate() is no failure
    const fail = (code: string, message: string, details?: Record<string, string | number | boolean>): void => {
      const err = new StageFailedError(name, code, message, details)
      if (handle.failure === null) handle.failure = err
      if (!isReady) reject(err)
      else onFailure(err)
      resolveStopped({ type: 'failed', code, message })
    }
    worker.on('message', (m: StageMessage<Ready, Stopped, Report>) => {
      switch (m.type) {
        case 'ready':
          isReady = true
          resolve(m as Ready)
          break
        case 'stopped':
          stoppedSeen = true
          resolveStopped(m as Stopped)
          break
        case 'failed': {
          const f = m as StageFailed
          fail(f.code, f.message, f.details)
          break
        }
        case 'warning': {
          const w = m as StageWarning
          process.emitWarning(w.message, { code: 'ORDO_STAGE_WARNING' })
          listeners.warning?.(w.message)
          break
        }
        default:
          listeners.report?.(m as Report)
      }
    })
    worker.on('error', (err) => fail('WORKER_ERROR', err.message))
    worker.on('exit', (code) => {
      if (code !== 0 && !stoppedSeen) fail('WORKER_EXIT', `exit code ${code}`)
      else resolveStopped({ type: 'exit' })
    })
  })
  return { handle, ready }
}
