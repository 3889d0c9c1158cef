// Test worker: consumes several SPSC rings whose producers share one doorbell, sleeping
// on the doorbell (prepare / re-check all rings / await) when every ring is empty.
// Each record is one u32. Posts { kind: 'ready' }, then { kind: 'result', value } with the
// values received per ring and how often it slept.

import { parentPort, workerData } from 'node:worker_threads'
import { SpscRing } from '../../../../engine/ring/spsc-ring.js'
import { Doorbell } from '../../../../engine/ring/doorbell.js'

export interface MultiRingData {
  rings: SharedArrayBuffer[]
  bell: SharedArrayBuffer
  expected: number
  parkMs: number
}

export interface MultiRingResult {
  values: number[][]
  parks: number
  timeouts: number
}

const d = workerData as MultiRingData
const rings = d.rings.map((sab) => SpscRing.attach(sab))
const bell = Doorbell.attach(d.bell)
const values: number[][] = rings.map(() => [])
let total = 0
let parks = 0
let timeouts = 0
let current = 0

function onRecord(_bytes: Uint8Array, offset: number): void {
  values[current]!.push(rings[current]!.view.getUint32(offset, true))
  total++
}

function anyData(): boolean {
  for (const r of rings) if (r.consumer.hasData()) return true
  return false
}

parentPort!.postMessage({ kind: 'ready' })
while (total < d.expected) {
  let n = 0
  for (current = 0; current < rings.length; current++) n += rings[current]!.poll(onRecord)
  if (n > 0) continue
  const seq = bell.prepare()
  if (anyData()) {
    bell.cancel()
    continue
  }
  parks++
  if (!bell.await(seq, d.parkMs)) timeouts++
}
parentPort!.postMessage({ kind: 'result', value: { values, parks, timeouts } satisfies MultiRingResult })
