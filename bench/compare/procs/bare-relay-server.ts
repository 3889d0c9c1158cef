// The latency floor's server: uWebSockets.js with no engine behind it. Every binary message a client sends on
// /pub is sent on to every client connected on /sub, as it is; nothing is decoded, ordered, stored or
// acknowledged. Publisher and subscribers are the same `ws` clients with the same pacing as ordo's client-library
// latency run (procs/bare-relay-pub.js, procs/bare-relay-sub.js), so the difference between the two runs is what
// the engine, the gateway and the client library add to one WebSocket hop each way.
//
//   node bare-relay-server.js   prints {"ready":{"port":N}}; closing stdin exits.

import uWS from '@trufflesuite/uws-js-unofficial'
import { emit, onCommand } from './child.js'

const subscribers = new Set<uWS.WebSocket<unknown>>()
const behaviour = { compression: uWS.DISABLED, maxPayloadLength: 16 << 20, maxBackpressure: 64 << 20, idleTimeout: 0 }
const app = uWS
  .App()
  .ws('/sub', {
    ...behaviour,
    open: (ws) => {
      subscribers.add(ws)
    },
    close: (ws) => {
      subscribers.delete(ws)
    },
  })
  .ws('/pub', {
    ...behaviour,
    message: (_ws, message, isBinary) => {
      if (!isBinary) return
      for (const s of subscribers) s.send(message, true, false)
    },
  })
// uWS.js 20.30 takes (host, port, cb) as gateway/server.ts notes; the typings list (port, cb) only.
const listen = app.listen.bind(app) as unknown as (host: string, port: number, cb: (s: uWS.us_listen_socket | false) => void) => void
listen('127.0.0.1', 0, (s) => {
  if (s === false) {
    emit({ error: 'bare relay: cannot listen on 127.0.0.1' })
    return
  }
  emit({ ready: { port: uWS.us_socket_local_port(s as unknown as uWS.us_socket) } })
})
onCommand(() => {})
