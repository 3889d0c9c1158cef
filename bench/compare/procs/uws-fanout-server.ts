// The fan-out limit's server: uWebSockets.js with no engine behind it. Every connected client gets the same
// pre-built binary frame of `perFrame` messages (of `messageBytes` each; the first u32 is the message count) as
// fast as its send buffer drains. What the clients receive per second is the most any WebSocket fan-out on this
// machine could deliver for this topology, which is what ordo's fan-out is a fraction of.
//
//   node uws-fanout-server.js '{"perFrame":100,"messageBytes":192}'   prints {"ready":{"port":N}}
//   stdin: "go" starts sending to every connected client, "stop" stops; closing stdin exits.

import uWS from '@trufflesuite/uws-js-unofficial'
import { emit, onCommand } from './child.js'

interface Args {
  perFrame: number
  messageBytes: number
}
const a = JSON.parse(process.argv[2]!) as Args
const frame = new Uint8Array(a.perFrame * a.messageBytes)
for (let i = 0; i < frame.length; i++) frame[i] = i & 255
new DataView(frame.buffer).setUint32(0, a.perFrame, true)
/** Keep at most this much queued per socket: enough to keep the kernel busy, little enough to stay in cache. */
const HIGH_WATER = 1 << 20

const sockets = new Set<uWS.WebSocket<unknown>>()
let running = false

function pump(ws: uWS.WebSocket<unknown>): void {
  while (running && ws.getBufferedAmount() < HIGH_WATER) {
    // 0 = queued with back-pressure, 2 = dropped (over maxBackpressure): stop until 'drain' either way.
    const rc = ws.send(frame, true, false)
    if (rc !== 1) break
  }
}

// 'drain' alone did not keep the sockets fed here (it stopped firing after the first back-pressure in a test with
// uWS.js 20.30 under Node 20), so the sender also tops every socket up once per event-loop turn.
function loop(): void {
  if (!running) return
  for (const ws of sockets) pump(ws)
  setImmediate(loop)
}

const app = uWS.App().ws('/*', {
  compression: uWS.DISABLED,
  maxPayloadLength: 1 << 20,
  maxBackpressure: 64 << 20,
  idleTimeout: 0,
  open: (ws) => {
    sockets.add(ws)
  },
  close: (ws) => {
    sockets.delete(ws)
  },
  drain: (ws) => pump(ws),
})
// uWS.js 20.30 takes (host, port, cb) as gateway/server.ts notes; the typings list (port, cb) only.
const listen = app.listen.bind(app) as unknown as (host: string, port: number, cb: (s: uWS.us_listen_socket | false) => void) => void
listen('127.0.0.1', 0, (s) => {
  if (s === false) {
    emit({ error: 'uWS fan-out server: cannot listen on 127.0.0.1' })
    return
  }
  emit({ ready: { port: uWS.us_socket_local_port(s as unknown as uWS.us_socket) } })
})
onCommand((line) => {
  if (line === 'go') {
    running = true
    loop()
  } else if (line === 'stop') {
    running = false
  }
})
