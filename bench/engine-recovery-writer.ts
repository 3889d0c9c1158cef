// Child process of engine-recovery.ts: runs the whole engine (async durability, so the
// journal fills at the engine's pace rather than the disk's fsync rate) in argv[2] and
// publishes 100 B messages to 1-3 of 4 groups with a window of unacknowledged publishes,
// until the journal directory holds argv[3] bytes; then prints READY (with the last
// acknowledged gsn) and keeps publishing until the parent kills it with SIGKILL.
// Progress on stderr.

import fs from 'node:fs'
import path from 'node:path'
import { Engine } from '../engine/index.js'

const dataDir = process.argv[2]!
const target = Number(process.argv[3])
const journalDir = path.join(dataDir, 'journal')

function journalBytes(): number {
  let total = 0
  for (const name of fs.readdirSync(journalDir)) total += fs.statSync(path.join(journalDir, name)).size
  return total
}

const engine = await Engine.open({ dataDir, durability: 'async' })
const sets = [['rec-a'], ['rec-b', 'rec-c'], ['rec-d', 'rec-a', 'rec-b'], ['rec-c', 'rec-d']]
const payload = new Uint8Array(100)
for (let i = 0; i < payload.length; i++) payload[i] = (i * 37) & 255
const WINDOW = 20_000
const deadline = Date.now() + 300_000
let lastAcked = 0
let lastReport = 0
let ready = false
let i = 0
while (Date.now() < deadline) {
  const batch: Promise<{ gsn: bigint }>[] = []
  for (let k = 0; k < WINDOW; k++) batch.push(engine.publish(sets[i++ & 3]!, payload))
  const acks = await Promise.all(batch)
  lastAcked = Number(acks[acks.length - 1]!.gsn)
  const bytes = journalBytes()
  if (bytes - lastReport >= 64 * 2 ** 20) {
    lastReport = bytes
    process.stderr.write(`writer: ${(bytes / 2 ** 20).toFixed(0)} MiB, gsn ${lastAcked}\n`)
  }
  if (!ready && bytes >= target) {
    ready = true
    process.stdout.write(`READY ${lastAcked}\n`)
  }
}
await engine.close()
