// Child process for crash.test.ts: opens the engine on argv[2], prints `ready <nextGsn>`,
// then publishes until killed, keeping up to 64 publishes in flight. For each
// acknowledged publish it prints one line: `gsn pseq crc32c length setIndex gseqs…`.

import { crc32c } from '@node-rs/crc32'
import { Engine } from '../../../../engine/index.js'

const dir = process.argv[2]!
let seed = Number(process.argv[3] ?? 1) >>> 0
function next(): number {
  seed = (seed + 0x6d2b79f5) >>> 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const SETS = [['a'], ['b'], ['a', 'b']]

const engine = await Engine.open({ dataDir: dir, durability: 'fsync' })
process.stdout.write(`ready ${engine.durableGsn + 1n}\n`)
let inFlight = 0
let out = ''
let pseq = 0
function pump(): void {
  while (inFlight < 64) {
    const s = Math.floor(next() * SETS.length)
    const len = 1 + Math.floor(next() * 200)
    const payload = Buffer.alloc(len)
    for (let k = 0; k < len; k++) payload[k] = Math.floor(next() * 256)
    const hash = crc32c(payload)
    const mine = ++pseq
    inFlight++
    engine.publish(SETS[s]!, payload).then((r) => {
      inFlight--
      out += `${r.gsn} ${mine} ${hash} ${len} ${s} ${r.gseqs.join(' ')}\n`
      if (inFlight < 32) setImmediate(pump)
    }, (err: Error) => {
      process.stderr.write(`publish failed: ${err.message}\n`)
      process.exit(3)
    })
  }
}
// Write the acks out in chunks; the parent only trusts complete lines.
setInterval(() => {
  if (out.length > 0) {
    process.stdout.write(out)
    out = ''
  }
}, 2).unref()
pump()
setInterval(() => {}, 1000)
