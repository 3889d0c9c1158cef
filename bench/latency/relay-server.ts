// The latency floor: one WebSocket hop through uWebSockets.js (the same build the gateway
// loads on this Node) with no engine. Every binary message a client sends on /pub goes on,
// as it is, to every client on /sub: nothing decoded, ordered, stored or acknowledged.
// Publisher and subscriber are the benchmark's own processes with the same pacing and the
// same `ws` package as ordo's client library, so ordo's figures minus these are what the
// engine, the gateway and the client library add.
//
//   node relay-server.js   prints {"ready":{"url":..}}; closing stdin exits.

import { selectTransport } from '../../gateway/transport/select-transport.js'
import { emit, onCommand } from '../compare/procs/child.js'
import { GcLog } from './gc-log.js'
import { monotonicMs } from '../../engine/trace/monotonic-clock.js'
import type { WebSocket } from '../../gateway/transport/uws-api.js'

const transport = await selectTransport('auto')
const uws = transport.module
const subscribers = new Set<WebSocket<unknown>>()
const behaviour = { compression: uws.DISABLED, maxPayloadLength: 16 << 20, maxBackpressure: 64 << 20, idleTimeout: 0 }
const app = uws
  .App()
  .ws<unknown>('/sub', {
    ...behaviour,
    open: (ws) => {
      subscribers.add(ws)
    },
    close: (ws) => {
      subscribers.delete(ws)
    },
  })
  .ws<unknown>('/pub', {
    ...behaviour,
    message: (_ws, message, isBinary) => {
      if (!isBinary) return
      for (const s of subscribers) s.send(message, true, false)
    },
  })
const gc = new GcLog()
let since = 0
app.listen('127.0.0.1', 0, 1, (s) => {
  if (s === false) {
    emit({ error: 'bare relay: cannot listen on 127.0.0.1' })
    return
  }
  emit({ ready: { url: `ws://127.0.0.1:${uws.us_socket_local_port(s)}`, transport: transport.implementation } })
})
onCommand((line) => {
  const [cmd, arg] = line.split(' ')
  if (cmd !== 'trace') return
  if (arg === 'on' || arg === 'gc') {
    since = monotonicMs()
    emit({ tracing: true })
  } else emit({ traced: { records: 0, dropped: 0, gc: gc.since(since) } })
})
