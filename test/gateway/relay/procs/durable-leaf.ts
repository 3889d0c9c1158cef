// A durable subscriber that acknowledges only up to a limit, in its own process:
// Hello, resolve one group, Subscribe with a durable name (explicit acks, from
// where its acknowledgements stand); for each Deliver it acks min(last gsn,
// limit) and prints "acked <gsn>" when that grows. Prints "subscribed <next>
// <acked>", "error <code> <message>", and "closed".
// Usage: node durable-leaf.js <url> <group> <name> <ack-limit> [token]
import WebSocket from 'ws'
import { decodeFrame, encodeFrame } from '../../../../codec/index.js'

const [url, group, name, limitArg, token] = process.argv.slice(2)
const limit = BigInt(limitArg!)
let acked = 0n
const ws = new WebSocket(url!)
ws.binaryType = 'nodebuffer'
ws.on('open', () => {
  ws.send(encodeFrame({ type: 'Hello', token: token ?? '', publisher: 0n }))
  ws.send(encodeFrame({ type: 'ResolveGroups', names: [group!], create: true }))
})
ws.on('message', (data: Buffer) => {
  const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length))
  switch (f.type) {
    case 'Groups':
      ws.send(encodeFrame({ type: 'Subscribe', id: 1, groups: [f.ids[0]!], fromGsn: 0n, tentative: false, name: name!, ackPolicy: 1, ackWaitMs: 600_000 }))
      return
    case 'Subscribed':
      acked = f.ackedGsn ?? 0n
      process.stdout.write(`subscribed ${f.nextGsn} ${acked}\n`)
      return
    case 'Deliver': {
      const last = f.messages[f.messages.length - 1]!.gsn
      const upTo = last < limit ? last : limit
      if (upTo > acked) {
        acked = upTo
        ws.send(encodeFrame({ type: 'Ack', subscription: 1, gsn: upTo }))
        process.stdout.write(`acked ${upTo}\n`)
      }
      return
    }
    case 'Error':
      process.stdout.write(`error ${f.code} ${f.message}\n`)
      return
    default:
  }
})
ws.on('error', () => {})
ws.on('close', () => process.stdout.write('closed\n', () => process.exit(0)))
