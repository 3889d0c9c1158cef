// Example: a durable subscriber on the wire protocol (Subscribe with a name,
// explicit acks), for a server or a relay.
//   node dist/gateway/examples/durable-tail.js ws://127.0.0.1:7071/,ws://127.0.0.1:7072/ orders billing
// Prints `gsn=N <payload>` for each message, then acknowledges the frame.
// The server (or the relay, in its --data directory) keeps the acknowledged gsn
// under the name: started again, this program resumes right after it. When the
// connection drops it reconnects to the next URL of the list and asks for the
// gsn after the last one it printed, so moving to another relay loses nothing
// either (a relay keeps the durable subscriptions of the clients that use it;
// the one it moves to takes the name up from that gsn). Ctrl-C to stop.
// ORDO_TOKEN: the token, when the servers require one.
import WebSocket from 'ws'
import { decodeFrame, encodeFrame } from '../../codec/index.js'

const [urlsArg, group, name] = process.argv.slice(2)
if (urlsArg === undefined || group === undefined || name === undefined) {
  console.error('usage: node durable-tail.js URL[,URL...] GROUP NAME')
  process.exit(2)
}
const urls = urlsArg.split(',')
const token = process.env.ORDO_TOKEN ?? ''
let turn = 0
/** Last gsn printed and acknowledged in this process (0: none yet: the server's record decides). */
let last = 0n
let stopping = false
let current: WebSocket | null = null
process.once('SIGINT', () => {
  stopping = true
  current?.close()
})

function connectOnce(): void {
  const url = urls[turn++ % urls.length]!
  const ws = new WebSocket(url)
  current = ws
  ws.binaryType = 'nodebuffer'
  ws.on('open', () => {
    ws.send(encodeFrame({ type: 'Hello', token, publisher: 0n }))
    ws.send(encodeFrame({ type: 'ResolveGroups', names: [group!], create: false }))
  })
  ws.on('message', (data: Buffer) => {
    const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length))
    switch (f.type) {
      case 'Groups':
        if (f.ids[0] === 0) {
          console.error(`unknown group ${group}: publish to it first`)
          process.exit(1)
        }
        // from_gsn 0: right after the acknowledged gsn the server keeps; after a move, from our own.
        ws.send(encodeFrame({ type: 'Subscribe', id: 1, groups: [f.ids[0]!], fromGsn: last === 0n ? 0n : last + 1n, tentative: false, name: name!, ackPolicy: 1, ackWaitMs: 0 }))
        return
      case 'Subscribed':
        console.error(`subscribed at ${url}: next gsn ${f.nextGsn}, acknowledged ${f.ackedGsn ?? 0n}`)
        return
      case 'Deliver': {
        for (const m of f.messages) console.log(`gsn=${m.gsn} ${new TextDecoder().decode(m.payload)}`)
        last = f.messages[f.messages.length - 1]!.gsn
        ws.send(encodeFrame({ type: 'Ack', subscription: 1, gsn: last }))
        return
      }
      case 'Error':
        console.error(`error ${f.code}: ${f.message}`)
        return
      default:
    }
  })
  ws.on('error', () => {})
  ws.on('close', () => {
    if (stopping) return
    console.error(`connection to ${url} closed; trying the next URL`)
    setTimeout(connectOnce, 500)
  })
}

connectOnce()
