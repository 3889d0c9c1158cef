// The subscriber of the publish -> deliver latency benchmark, one process:
//
//   mode 'client'  ordo's client library: client.subscribe() to the benchmark's group from
//                  now, the zero-copy batch handler
//   mode 'raw'     the `ws` package on the bare relay's /sub, reading the relayed Publish frames
//
// For every message it records the time the handler saw it and (ordo) its gsn, as f64
// pairs indexed by the payload's seq, and checks that seqs arrive dense, once, in order
// (and, through ordo, that pseq equals seq and gsns are dense).
//
//   stdin "expect <n>": finish once n messages arrived (or after waitMs), write the pairs to
//   <dump>, print {"result":{delivered, problems, gc}}

import { writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import { MessageCursor } from '../../codec/index.js'
import { connect } from '../../gateway/client/index.js'
import { monotonicMs } from '../../engine/trace/monotonic-clock.js'
import { emit, onCommand } from '../compare/procs/child.js'
import { SEQ_POS } from './latency-payload.js'
import { GcLog } from './gc-log.js'
import { HeapSampler } from './heap-sampler.js'

export interface SubArgs {
  mode: 'client' | 'raw'
  url: string
  /** Most messages the run can send (sizes the record). */
  capacity: number
  waitMs: number
  dump: string
  /** Write this process's allocation profile (from start to the end of the run) here (.heapprofile). */
  heapProfile?: string
}

const a = JSON.parse(process.argv[2]!) as SubArgs
// [received, gsn] per seq
const times = new Float64Array((a.capacity + 1) * 2)
const problems: string[] = []
let problemCount = 0
const problem = (text: string): void => {
  problemCount++
  if (problems.length < 10) problems.push(text)
}
let delivered = 0
let lastSeq = 0
let lastGsn = 0
let expected = -1
let finished = false
const gc = new GcLog()
const from = monotonicMs()
const sampler = new HeapSampler()
if (a.heapProfile !== undefined) await sampler.start()

function onMessage(seq: number, gsn: number, pseq: number, t: number): void {
  delivered++
  if (seq !== lastSeq + 1) problem(`seq ${seq} after ${lastSeq}`)
  lastSeq = seq
  if (gsn !== 0) {
    if (lastGsn !== 0 && gsn !== lastGsn + 1) problem(`gsn ${gsn} after ${lastGsn}`)
    lastGsn = gsn
    if (pseq !== seq) problem(`pseq ${pseq} for seq ${seq}`)
  }
  if (seq > 0 && seq <= a.capacity) {
    times[seq * 2] = t
    times[seq * 2 + 1] = gsn
  }
}

let closeSub: () => void = () => {}
if (a.mode === 'client') {
  const client = await connect(a.url, { onError: (e) => problem(`${e.codeName}: ${e.message}`) })
  await client.resolveGroups(['lat'])
  await client.subscribe(['lat'], {}, (b) => {
    const t = monotonicMs()
    const frame = b.frame
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
    while (b.next()) onMessage(view.getUint32(b.payloadOffset + SEQ_POS, true), Number(b.gsn), Number(b.pseq), t)
    if (expected >= 0 && delivered >= expected) finish()
  })
  closeSub = () => void client.close()
} else {
  const ws = new WebSocket(`${a.url}/sub`, { perMessageDeflate: false })
  ws.binaryType = 'nodebuffer'
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const cursor = new MessageCursor()
  ws.on('message', (data: Buffer) => {
    const t = monotonicMs()
    if (cursor.reset(data, 0, data.length) < 0) {
      problem('a relayed frame that does not read as Publish')
      return
    }
    const view = new DataView(data.buffer, data.byteOffset, data.length)
    while (cursor.next()) onMessage(view.getUint32(cursor.payloadOffset + SEQ_POS, true), 0, cursor.pseq, t)
    if (expected >= 0 && delivered >= expected) finish()
  })
  closeSub = () => ws.terminate()
}

function finish(): void {
  if (finished) return
  finished = true
  if (expected >= 0 && delivered < expected) problem(`${expected - delivered} of ${expected} messages not delivered within ${a.waitMs} ms`)
  if (problemCount > problems.length) problems.push(`${problemCount - problems.length} more problems`)
  writeFileSync(a.dump, times.subarray(0, (Math.min(lastSeq, a.capacity) + 1) * 2))
  const done = a.heapProfile === undefined ? Promise.resolve() : sampler.stop(a.heapProfile)
  void done.then(() => {
    emit({ result: { delivered, problems, gc: gc.since(from) } })
    closeSub()
  })
}

emit({ ready: true })
onCommand((line) => {
  const [cmd, arg] = line.split(' ')
  if (cmd !== 'expect') return
  expected = Number(arg)
  if (delivered >= expected) finish()
  else setTimeout(finish, a.waitMs).unref()
})
