// A bare protocol subscriber in its own process, so a test can stop it whole
// (SIGSTOP): Hello, resolve one group, Subscribe from now. Prints "subscribed",
// then for every Error frame "error <code> <ref>", and when the connection
// ends "closed <code> <reason>" followed by a JSON line {messages, lastGsn}.
// Usage: node raw-subscriber.js <url> <group>
import WebSocket from 'ws'
import { decodeFrame, encodeFrame } from '../../../codec/index.js'

const [url, group] = process.argv.slice(2)
const ws = new WebSocket(url!)
ws.binaryType = 'nodebuffer'
let messages = 0
let lastGsn = 0n
ws.on('open', () => {
  ws.send(encodeFrame({ type: 'Hello', token: '', publisher: 0n }))
  ws.send(encodeFrame({ type: 'ResolveGroups', names: [group!], create: true }))
})
ws.on('message', (data: Buffer) => {
  const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length))
  switch (f.type) {
    case 'Groups':
      ws.send(encodeFrame({ type: 'Subscribe', id: 1, groups: [f.ids[0]!], fromGsn: 0n, tentative: false }))
      return
    case 'Subscribed':
      process.stdout.write('subscribed\n')
      return
    case 'Deliver':
      messages += f.messages.length
      if (f.messages.length > 0) lastGsn = f.messages[f.messages.length - 1]!.gsn
      return
    case 'Error':
      process.stdout.write(`error ${f.code} ${f.ref}\n`)
      return
    default:
  }
})
ws.on('error', () => {})
ws.on('close', (code: number, reason: Buffer) => {
  process.stdout.write(`closed ${code} ${reason.toString()}\n${JSON.stringify({ messages, lastGsn: String(lastGsn) })}\n`, () => process.exit(0))
})
