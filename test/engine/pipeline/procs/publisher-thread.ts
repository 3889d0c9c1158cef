// Publisher worker thread for order.test.ts: writes `count` messages into its own ingress
// ring (RingPublisher), each to one of the group sets picked by a seeded PRNG, then waits
// for every ack. Payload: [setIndex u8, tag u8, 0, 0, index u32 LE, filler…].

import { parentPort, workerData } from 'node:worker_threads'
import { RingPublisher, type PublisherPort } from '../../../../engine/index.js'

interface Data { port: PublisherPort; sets: number[][]; count: number; seed: number; tag: number }
const d = workerData as Data

let a = d.seed >>> 0
function next(): number {
  a = (a + 0x6d2b79f5) >>> 0
  let t = a
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const pub = RingPublisher.attach(d.port)
const payload = new Uint8Array(64)
const view = new DataView(payload.buffer)
const ids = new Int32Array(3)
let stalls = 0
for (let i = 0; i < d.count; i++) {
  const s = Math.floor(next() * d.sets.length)
  const set = d.sets[s]!
  for (let g = 0; g < set.length; g++) ids[g] = set[g]!
  const len = 8 + Math.floor(next() * 56)
  payload[0] = s
  payload[1] = d.tag
  view.setUint32(4, i, true)
  for (let k = 8; k < len; k++) payload[k] = (i * 31 + k * 7 + d.tag) & 0xff
  for (;;) {
    const rc = pub.offer(ids, set.length, payload, 0, len)
    if (rc === 0) break
    if (rc !== RingPublisher.BACK_PRESSURED) throw new Error(`offer failed: rc=${rc}, i=${i}`)
    pub.flush()
    pub.waitForSpace(10)
    if (++stalls > 1_000_000) throw new Error('ring never drained')
  }
  if ((i & 63) === 63) pub.flush()
}
pub.flush()
const acked = pub.waitForAck(d.count, 25_000)
parentPort!.postMessage({ publisher: pub.publisher, acked, ackedPseq: pub.ackedPseq })
