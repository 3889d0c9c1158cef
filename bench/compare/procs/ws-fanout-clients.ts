// The fan-out limit's clients: `clients` connections with the `ws` library (as ordo's subscribers use) in one
// process, each counting the messages of every frame it receives (the frame's first u32). On "go" it waits
// `warmupMs`, counts over `seconds`, and prints {"result":{"messages":..,"seconds":..,"per_client_min":..}}.

import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { emit, onCommand } from './child.js'

interface Args {
  url: string
  clients: number
  warmupMs: number
  seconds: number
}
const a = JSON.parse(process.argv[2]!) as Args
const counts = new Float64Array(a.clients)

const conns = await Promise.all(
  Array.from(
    { length: a.clients },
    (_, i) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(a.url, { perMessageDeflate: false, maxPayload: 1 << 30 })
        ws.binaryType = 'nodebuffer'
        ws.on('message', (data: Buffer) => {
          counts[i]! += data.readUInt32LE(0)
        })
        ws.once('open', () => resolve(ws))
        ws.once('error', reject)
      }),
  ),
)

const sum = (): number => counts.reduce((s, c) => s + c, 0)
emit({ ready: true })
onCommand((line) => {
  if (line !== 'go') return
  setTimeout(() => {
    const n0 = sum()
    const each0 = Float64Array.from(counts)
    const t0 = performance.now()
    setTimeout(() => {
      const seconds = (performance.now() - t0) / 1000
      const messages = sum() - n0
      let min = Infinity
      for (let i = 0; i < a.clients; i++) min = Math.min(min, counts[i]! - each0[i]!)
      for (const c of conns) c.terminate()
      emit({ result: { messages, seconds, per_client_min: min } })
    }, a.seconds * 1000)
  }, a.warmupMs)
})
