// Client microbenchmark: the client library's publishing path without a socket, per message:
//
//   send(groups, payload) / publish(...) ──encode into the open frame──▶ frame full ──▶ "sent" (a link that
//   reports the bytes written at once) ──PublishAck pairs──▶ settled: slot freed, frame back to the pool
//
// 100-byte payload, one group, a 48-bit publisher id. One call publishes REPS messages (a frame's worth), then
// acknowledges everything sent so far, so frames recycle as they do against a server. send() has nothing per
// message to allocate; publish() allocates what it returns (its promise, and the result it resolves with).

import { PUBLISH_COUNT_POS } from '../../codec/internal.js'
import { GroupResolver, type Link } from '../../gateway/client/group-resolver.js'
import { PublishQueue, type PublishLink } from '../../gateway/client/publish-queue.js'
import type { MicroArea } from './measure.js'

const REPS = 1024
const PAYLOAD = 100
const PUBLISHER = 0x9abc_def0_1234

class BenchLink implements Link, PublishLink {
  readonly open = true
  readonly epoch = 0n
  /** Messages in the frames sent so far. */
  sent = 0
  frames = 0
  sendControl(): boolean {
    return true
  }
  sendFrame(frame: Uint8Array, onWritten: () => void): void {
    this.sent += new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(PUBLISH_COUNT_POS, true)
    this.frames++
    onWritten()
  }
}

function queue(): { q: PublishQueue; link: BenchLink; errors: number[] } {
  const link = new BenchLink()
  const resolver = new GroupResolver(link)
  resolver.onGroups(['bench.client'], [7])
  const errors: number[] = []
  const q = new PublishQueue(link, resolver, { maxInFlight: 1 << 20, maxFrameMessages: REPS, maxFrameBytes: 256 * 1024 }, (_e, seq) => errors.push(seq))
  q.publisher = PUBLISHER
  return { q, link, errors }
}

export function clientArea(): MicroArea {
  const payload = new Uint8Array(PAYLOAD)
  for (let i = 0; i < PAYLOAD; i++) payload[i] = (i * 13 + 5) & 0xff
  const groups = ['bench.client']
  const a = queue()
  const b = queue()
  // pseq of the next message to acknowledge, and gsns, per queue (typed arrays: no boxed doubles in closures).
  const st = new Float64Array(4) // 0 a next ack, 1 a gsn, 2 b next ack, 3 b gsn
  st[0] = 1
  st[2] = 1

  const ackSent = (x: { q: PublishQueue; link: BenchLink }, at: number): void => {
    x.q.afterAcks() // sends the frames that filled up
    let p = st[at]!
    let g = st[at + 1]!
    while (p <= x.link.sent) x.q.onAckPair(p++, ++g)
    st[at] = p
    st[at + 1] = g
    x.q.afterAcks()
  }

  const send = (): void => {
    for (let r = 0; r < REPS; r++) a.q.send(groups, payload)
    ackSent(a, 0)
  }

  const publish = (): void => {
    for (let r = 0; r < REPS; r++) void b.q.publish(groups, payload)
    ackSent(b, 2)
  }

  return {
    cases: [
      { area: 'client', name: 'send(): encode + queue + ack, 100 B', opsPerCall: REPS, unit: 'message', fn: send },
      { area: 'client', name: 'publish(): same + promise + result', opsPerCall: REPS, unit: 'message', fn: publish },
    ],
    check() {
      for (const [name, x] of [['send', a], ['publish', b]] as const) {
        if (x.errors.length > 0) throw new Error(`client bench ${name}: ${x.errors.length} messages failed`)
        if (x.link.frames === 0 || x.link.sent === 0) throw new Error(`client bench ${name}: nothing was sent`)
        // Everything but the open frame's messages is acknowledged: the ring does not grow.
        if (x.q.unsettled > REPS) throw new Error(`client bench ${name}: ${x.q.unsettled} messages unsettled, at most ${REPS} expected`)
      }
    },
    close() {},
  }
}
