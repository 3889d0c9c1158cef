// A durable subscriber in its own process, so a test can kill -9 it: Hello, resolve one
// group, Subscribe with a durable name (explicit acks) from where its acknowledgements
// stand. For each Deliver it appends every gsn to OUT (one line each: what it processed),
// then sends Ack for the frame's last gsn and prints "ack <gsn>". Prints
// "subscribed <next_gsn> <acked_gsn>" and "error <code> <ref> <message>".
// Usage: node durable-subscriber.js <url> <group> <name> <out-file> [token] [delay-ms-per-frame]
import { appendFileSync } from 'node:fs'
import WebSocket from 'ws'
import { decodeFrame, encodeFrame } from '../../../codec/index.js'

const [url, group, name, out, token, delay] = process.argv.slice(2)
const delayMs = Number(delay ?? '0')
const ws = new WebSocket(url!)
ws.binaryType = 'nodebuffer'
ws.on('open', () => {
  ws.send(encodeFrame({ type: 'Hello', token: token ?? '', publisher: 0n }))
  ws.send(encodeFrame({ type: 'ResolveGroups', names: [group!], create: true }))
})
let chain = Promise.resolve()
ws.on('message', (data: Buffer) => {
  const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length))
  switch (f.type) {
    case 'Groups':
      ws.send(encodeFrame({ type: 'Subscribe', id: 1, groups: [f.ids[0]!], fromGsn: 0n, tentative: false, name: name!, ackPolicy: 1, ackWaitMs: 60_000 }))
      return
    case 'Subscribed':
      process.stdout.write(`subscribed ${f.nextGsn} ${f.ackedGsn ?? 0n}\n`)
      return
    case 'Deliver': {
      // Processed in order, one frame after another (a slow consumer when delay-ms-per-frame > 0).
      chain = chain.then(async () => {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
        appendFileSync(out!, f.messages.map((m) => `${m.gsn}\n`).join(''))
        const last = f.messages[f.messages.length - 1]!.gsn
        ws.send(encodeFrame({ type: 'Ack', subscription: 1, gsn: last }))
        process.stdout.write(`ack ${last}\n`)
      })
      return
    }
    case 'Error':
      process.stdout.write(`error ${f.code} ${f.ref} ${f.message}\n`)
      return
    default:
  }
})
ws.on('error', () => {})
ws.on('close', (code: number, reason: Buffer) => {
  process.stdout.write(`closed ${code} ${reason.toString()}\n`, () => process.exit(0))
})
