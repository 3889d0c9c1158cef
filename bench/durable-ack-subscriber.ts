// Child process of bench/durable-ack-overhead.ts: SUBS subscriptions to one group over
// CONNS WebSocket connections, ordinary or durable (explicit acks, one Ack per Deliver
// frame: "acking every batch"). Prints "ready" once every subscription is confirmed, then
// "done" once every subscription received COUNT messages.
// Usage: node durable-ack-subscriber.js <url> <group> <ordinary|durable> <subs> <conns> <count> <name-prefix>
import WebSocket from 'ws'
import { BodyType, decodeFrame, encodeFrame, MessageCursor, writerFrameKind } from '../codec/index.js'
import { DELIVER_SUBSCRIPTION_POS } from '../codec/frame-layout.js'

const [url, group, mode, subsArg, connsArg, countArg, prefix] = process.argv.slice(2)
const subs = Number(subsArg)
const conns = Number(connsArg)
const count = Number(countArg)
const durable = mode === 'durable'
const received = new Array<number>(subs).fill(0)
let confirmed = 0
let finished = 0
const cursor = new MessageCursor()

for (let c = 0; c < conns; c++) {
  const ws = new WebSocket(url!)
  ws.binaryType = 'nodebuffer'
  const mine: number[] = []
  for (let i = c; i < subs; i += conns) mine.push(i)
  ws.on('open', () => {
    ws.send(encodeFrame({ type: 'Hello', token: '', publisher: 0n }))
    ws.send(encodeFrame({ type: 'ResolveGroups', names: [group!], create: true }))
  })
  ws.on('message', (data: Buffer) => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length)
    // Deliver frames are counted with the flyweight cursor (no decoding into objects);
    // control frames are rare and decoded.
    if (writerFrameKind(bytes, 0, bytes.length) === BodyType.Deliver) {
      const n = cursor.reset(bytes, 0, bytes.length)
      let last = 0
      while (cursor.next()) last = cursor.gsn
      const sub = new DataView(bytes.buffer, bytes.byteOffset).getUint32(DELIVER_SUBSCRIPTION_POS, true)
      received[sub] = received[sub]! + n
      if (durable) ws.send(encodeFrame({ type: 'Ack', subscription: sub, gsn: BigInt(last) }))
      if (received[sub] === count && ++finished === subs) process.stdout.write('done\n')
      return
    }
    const f = decodeFrame(bytes)
    if (f.type === 'Groups') {
      for (const i of mine) {
        ws.send(encodeFrame(durable
          ? { type: 'Subscribe', id: i, groups: [f.ids[0]!], fromGsn: 0n, tentative: false, name: `${prefix}${i}`, ackPolicy: 1, ackWaitMs: 600_000 }
          : { type: 'Subscribe', id: i, groups: [f.ids[0]!], fromGsn: 0n, tentative: false }))
      }
    } else if (f.type === 'Subscribed') {
      if (++confirmed === subs) process.stdout.write('ready\n')
    } else if (f.type === 'Error') {
      process.stderr.write(`error ${f.code} ${f.message}\n`)
      process.exit(1)
    }
  })
  ws.on('error', (err) => {
    process.stderr.write(`connection error: ${err.message}\n`)
    process.exit(1)
  })
}

