// Child process of journal-recovery.ts: appends 64 KiB batches (655 x 100 B messages) to
// the journal in argv[2], syncing every 16, until the journal holds argv[3] bytes; then
// prints READY on stdout and keeps appending until the parent kills it with SIGKILL.
// Retention keeps the journal near the target size across runs. Progress on stderr.

import { Journal } from '../engine/journal/index.js'

const dir = process.argv[2]!
const target = Number(process.argv[3])
const batch = new Uint8Array(65536)
for (let i = 0; i < batch.length; i++) batch[i] = (i * 131 + (i >>> 8)) & 255
const j = Journal.open({ dir, retention: { maxBytes: target + 256 * 1024 * 1024 } })
let ready = false
let lastReport = 0
const deadline = Date.now() + 120_000
while (Date.now() < deadline) {
  for (let i = 0; i < 16; i++) j.append(batch, 0, batch.length, j.nextGsn, 655)
  j.sync()
  const total = j.totalBytes
  if (total - lastReport >= 128 * 1024 * 1024) {
    lastReport = total
    process.stderr.write(`writer: ${(total / 2 ** 20).toFixed(0)} MiB\n`)
    j.applyRetention(Date.now(), Number.POSITIVE_INFINITY)
  }
  if (!ready && total >= target) {
    ready = true
    process.stdout.write('READY\n')
  }
}
j.close()
