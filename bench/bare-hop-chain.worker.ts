// The sequencer's place in the bare hop chain (bare-hop-chain.ts): moves every ingress record,
// as it is, into the out ring, commits once per pass and rings the main thread's doorbell, as the
// sequencer does after its journal write. It idles the way the sequencer does: idleSpins empty
// passes, then parks on the ingress doorbell (100 ms at most per park).

import { parentPort, workerData } from 'node:worker_threads'
import { SpscRing } from '../engine/ring/spsc-ring.js'
import { Doorbell } from '../engine/ring/doorbell.js'
import { BackoffIdleStrategy } from '../engine/idle/backoff-idle-strategy.js'
import type { Parker } from '../engine/idle/idle-strategy.js'
import { runUntilFinished, type DrainingStage } from '../engine/idle/stage.js'

export interface HopData {
  input: SharedArrayBuffer
  output: SharedArrayBuffer
  inBell: SharedArrayBuffer
  outBell: SharedArrayBuffer
  /** Int32 [0]: set to 1 to stop. */
  stop: SharedArrayBuffer
  idleSpins: number
}

const d = workerData as HopData
const input = SpscRing.attach(d.input)
const output = SpscRing.attach(d.output)
const inBell = Doorbell.attach(d.inBell)
const outBell = Doorbell.attach(d.outBell)
const stop = new Int32Array(d.stop)
const src = input.i32
const dst = output.i32
let moved = 0

function move(_bytes: Uint8Array, offset: number, length: number, type: number): void {
  let at = output.producer.tryClaim(length, type)
  while (at < 0) {
    output.producer.commit()
    output.producer.park(1)
    at = output.producer.tryClaim(length, type)
  }
  // Ring records start 8-aligned and ingress records are whole blobs of 8-byte multiples.
  const from = offset >> 2
  const to = at >> 2
  for (let i = 0, n = length >> 2; i < n; i++) dst[to + i] = src[from + i]!
  moved++
}

const stopRequested = (): boolean => Atomics.load(stop, 0) !== 0

const stage: DrainingStage = {
  doWork(): number {
    const n = input.consumer.poll(move)
    if (n > 0) {
      output.producer.commit()
      outBell.ring()
    }
    return n
  },
  finished: () => stopRequested() && !input.consumer.hasData(),
}

// The sequencer's parker (stages/sequencer/sequencer.worker.ts), without its idle chores.
const parker: Parker = {
  park(timeoutMs: number): boolean {
    const s = inBell.prepare()
    if (input.consumer.hasData() || stopRequested()) {
      inBell.cancel()
      return true
    }
    return inBell.await(s, timeoutMs)
  },
}

parentPort!.postMessage({ kind: 'ready' })
runUntilFinished(stage, new BackoffIdleStrategy({ maxSpins: d.idleSpins, maxYields: 0, minParkMs: 100, maxParkMs: 100, parker }))
parentPort!.postMessage({ kind: 'result', value: { moved } })
