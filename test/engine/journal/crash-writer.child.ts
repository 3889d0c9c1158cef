// Child process for kill9-crash.test.ts: opens the journal in argv[2] (running recovery
// after the previous kill), appends seeded batches and syncs in small groups, printing
// "S <syncedGsn>" after each sync returns, until it is killed (or 20 s pass, as a guard).
// Stdout to a pipe is synchronous on Linux, so a printed line was printed before the kill.
// Writes go to the OS in 1 KiB pieces (through the injectable FileIo) so that kills often
// land in the middle of a record and leave a torn tail, as a crash mid-write would.

import { type FileIo, Journal, nodeFileIo } from '../../../engine/journal/index.js'
import { makeBatch, rng } from './helpers.js'

const chunkedIo: FileIo = {
  ...nodeFileIo,
  writeSync: (fd, buffer, offset, length, position) => nodeFileIo.writeSync(fd, buffer, offset, Math.min(length, 1024), position),
}

const dir = process.argv[2]!
const seed = Number(process.argv[3])
const rand = rng(seed)
const j = Journal.open({ dir, segmentBytes: 1024 * 1024, indexEveryBytes: 64 * 1024, writeBufferBytes: 1024 * 1024, io: chunkedIo })
process.stdout.write(`R ${j.nextGsn} ${j.recovery.truncatedBytes} ${j.recovery.reason}\n`)
const deadline = Date.now() + 20_000
while (Date.now() < deadline) {
  const n = 1 + Math.floor(rand() * 40)
  for (let i = 0; i < n; i++) {
    const length = 8 * Math.floor(rand() * 1500)
    const b = makeBatch(j.nextGsn, 1 + Math.floor(rand() * 50), length)
    j.append(b.bytes, 0, length, b.firstGsn, b.count)
  }
  j.sync()
  process.stdout.write(`S ${j.syncedGsn}\n`)
}
j.close()
