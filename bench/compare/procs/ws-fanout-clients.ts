// The fan-out limit's clients: `clients` connections with the `ws` library (as ordo's subscribers use) in one
// process, each counting the messages of every frame it receives. On "go" it waits `warmupMs`, counts over
// `seconds`, and prints {"result":{"messages":..,"seconds":..,"per_client_min":..,"bad_frames":..}}.

import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { emit, onCommand } from './child.js'

interface Args {
  url: string
  clients: number
  perFrame: number
  messageBytes: number
  warmupMs: number
  seconds: number
}
const a = JSON.parse(process.argv[2]!) as Args
const counts = new Float64Array(a.clients)
let badFrames = 0
let firstBad = ''
const frameBytes = a.perFrame * a.messageBytes

const conns = await Promise.all(
  Array.from(
    { length: a.clients },
    (_, i) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(a.url, { perMessageDeflate: false, maxPayload: 1 << 30 })
        ws.binaryType = 'nodebuffer'
        ws.on('message', (data: Buffer) => {
          // Count by length (every frame is perFrame messages of messageBytes); a frame whose length or header
          // differs from what the server sends is counted apart and reported, not trusted.
          if (data.length === frameBytes && data.readUInt32LE(0) === a.perFrame) counts[i]! += a.perFrame
          else {
            badFrames++
            if (firstBad === '') firstBad = `length ${data.length}, first 16 bytes ${data.subarray(0, 16).toString('hex')}`
          }
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
      emit({ result: { messages, seconds, per_client_min: min, bad_frames: badFrames, first_bad: firstBad } })
    }, a.seconds * 1000)
  }, a.warmupMs)
})
