// The fan-out limit's server: uWebSockets.js with no engine behind it. Every connected client gets the same
// pre-built binary frame of `perFrame` messages (of `messageBytes` each; the first u32 is the message count) as
// fast as its send buffer drains. What the clients receive per second is the most any WebSocket fan-out on this
// machine could deliver for this topology, which is what ordo's fan-out is a fraction of.
//
//   node uws-fanout-server.js '{"perFrame":100,"messageBytes":192}'   prints {"ready":{"port":N}}
//   stdin: "go" starts sending to every connected client, "stop" stops; closing stdin exits.

import type * as uWS from '../../../gateway/transport/uws-api.js'
import { selectTransport } from '../../../gateway/transport/select-transport.js'
import { emit, onCommand } from './child.js'

// The transport the gateway would pick here (uWS where a build loads, else its `ws` fallback), without its start-up
// probe: on a runtime no uWS build fits, the limit is the fallback's, as ordo's own rows are.
const transport = await selectTransport('auto')
const uws = transport.module

interface Args {
  perFrame: number
  messageBytes: number
}
const a = JSON.parse(process.argv[2]!) as Args
const frame = new Uint8Array(a.perFrame * a.messageBytes)
for (let i = 0; i < frame.length; i++) frame[i] = i & 255
new DataView(frame.buffer).setUint32(0, a.perFrame, true)
/** Keep at most this much queued per socket: enough to keep the kernel busy, little enough to stay in cache. */
const HIGH_WATER = 1 << 17

const sockets = new Set<uWS.WebSocket<unknown>>()
let running = false

/** Sends to `ws` until its queue holds HIGH_WATER bytes; returns the frames sent. */
function pump(ws: uWS.WebSocket<unknown>): number {
  let n = 0
  while (running && ws.getBufferedAmount() < HIGH_WATER) {
    // 1 = sent, 0 = queued with back-pressure, 2 = dropped (over maxBackpressure): stop at either of the last two.
    if (ws.send(frame, true, false) !== 1) break
    n++
  }
  return n
}

// 'drain' alone did not keep the sockets fed here (with uWS.js 20.30 under Node 20 it stopped firing after the
// first back-pressure), so the sender tops every socket up once per event-loop turn; when none took anything it
// waits a millisecond rather than spin a core the clients need.
function loop(): void {
  if (!running) return
  let sent = 0
  for (const ws of sockets) sent += pump(ws)
  if (sent > 0) setImmediate(loop)
  else setTimeout(loop, 1)
}

const app = uws.App().ws<unknown>('/*', {
  compression: uws.DISABLED,
  maxPayloadLength: 1 << 20,
  maxBackpressure: 64 << 20,
  idleTimeout: 0,
  open: (ws) => {
    sockets.add(ws)
  },
  close: (ws) => {
    sockets.delete(ws)
  },
  drain: (ws) => {
    pump(ws)
  },
})
app.listen('127.0.0.1', 0, 0, (s) => {
  if (s === false) {
    emit({ error: 'uWS fan-out server: cannot listen on 127.0.0.1' })
    return
  }
  emit({ ready: { port: uws.us_socket_local_port(s), transport: transport.implementation } })
})
onCommand((line) => {
  if (line === 'go') {
    running = true
    loop()
  } else if (line === 'stop') {
    running = false
  }
})
