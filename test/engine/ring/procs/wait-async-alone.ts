// A process whose only pending work is Atomics.waitAsync on doorbells: two waits that time
// out at different moments, then one rung by a worker thread. Prints what each resolved to.

import { Worker } from 'node:worker_threads'
import { Doorbell } from '../../../../engine/ring/doorbell.js'

const a = Doorbell.create()
const first = a.awaitAsync(a.prepare(), 150)
const second = a.awaitAsync(a.prepare(), 400)
void first.then((v) => process.stdout.write(`first ${v}\n`))
void second.then((v) => {
  process.stdout.write(`second ${v}\n`)
  const b = Doorbell.create()
  const rung = b.awaitAsync(b.prepare(), 20_000)
  // The worker rings after 200 ms; until then nothing but the wait is pending here.
  const w = new Worker(
    `const { workerData } = require('node:worker_threads'); const i32 = new Int32Array(workerData);
     setTimeout(() => { Atomics.add(i32, 0, 1); Atomics.notify(i32, 0) }, 200)`,
    { eval: true, workerData: b.buffer },
  )
  w.unref()
  void rung.then((v) => process.stdout.write(`rung ${v}\n`))
})
