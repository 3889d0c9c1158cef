// Subscriber load for bench/relay-tree-fanout.ts: one process holding many bare
// protocol connections (bench/gateway-raw-conn.ts), spread round-robin over the
// given URLs, each subscribed from now to one group. Deliver frames are counted
// from their header; nothing is decoded per message.
//
// Usage: node relay-subscribers.js <url,url,...> <connections> <group>
// stdin: "expect N"  -> prints {"delivered","firstMs","lastMs","conns","badFrames"} once
//                       every connection received N more messages, or once nothing
//                       arrived for 5 s after the first delivery (short of N: a frame
//                       that arrived damaged was not counted), or on "report"
// Prints "ready <connections>" once every connection is subscribed.
import { createInterface } from 'node:readline'
import { RawConn } from './gateway-raw-conn.js'

const [urlsArg, connsArg, group] = process.argv.slice(2)
const urls = urlsArg!.split(',')
const n = Number(connsArg)

let delivered = 0
let firstMs = 0
let lastMs = 0
let target = -1
const conns: RawConn[] = []
let closed = 0
let badFrames = 0
let firstBad = ''

function report(): void {
  process.stdout.write(JSON.stringify({ delivered, firstMs, lastMs, conns: conns.length, closed, badFrames, firstBad }) + '\n')
}

// A run that stalls short of its target (damaged frames were not counted) reports what it got.
setInterval(() => {
  if (target >= 0 && firstMs !== 0 && Date.now() - lastMs > 5000) {
    target = -1
    report()
  }
}, 500).unref()

for (let i = 0; i < n; i++) {
  const c = await RawConn.open(urls[i % urls.length]!)
  await c.hello()
  const [id] = await c.resolve([group!])
  await c.subscribe(1, [id!], 0)
  c.onDeliver = (_frame, count) => {
    const now = Date.now()
    if (firstMs === 0) firstMs = now
    delivered += count
    lastMs = now
    if (target >= 0 && delivered >= target) {
      target = -1
      report()
    }
  }
  c.ws.on('close', () => closed++)
  c.onBadFrame = (frame) => {
    badFrames++
    if (firstBad === '') firstBad = frame.subarray(0, 16).toString('hex')
  }
  conns.push(c)
}
process.stdout.write(`ready ${conns.length}\n`)

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(' ')
  if (cmd === 'expect') {
    delivered = 0
    firstMs = 0
    lastMs = 0
    target = Number(arg) * conns.length
  } else if (cmd === 'report') {
    report()
  } else if (cmd === 'exit') {
    for (const c of conns) c.close()
    process.exit(0)
  }
}
