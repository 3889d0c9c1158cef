// Subscribes to one group from gsn 1 and checks as it goes that gsns increase
// and gseqs arrive dense (G2, G3), counting instead of recording. Prints "count <n>" every 200 ms. Commands on stdin: stall /
// unstall (stop / resume reading the socket), expect <n> (exit at n messages
// with a JSON line {count, violations, connections, errors}).
// Usage: node counting-subscriber.js <url> <group>
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import { connect, type WebSocketCtor } from '../../../gateway/client/index.js'

const [url, group] = process.argv.slice(2)
let current = null as WebSocket | null
let stalled = false
class TrackedWebSocket extends WebSocket {
  constructor(u: string) {
    super(u)
    current = this
    if (stalled) this.once('open', () => this.pause())
  }
}
let count = 0
let lastGsn = 0n
let lastGseq = 0n
const violations: string[] = []
let expected = -1
let errors: string[] = []
const client = await connect(url!, {
  connectTimeoutMs: 30_000,
  WebSocket: TrackedWebSocket as unknown as WebSocketCtor,
  onError: (e) => {
    errors.push(e.codeName)
    if (errors.length > 50) errors = errors.slice(-50)
  },
})
function finish(): void {
  if (expected >= 0 && count >= expected) {
    expected = -2
    clearInterval(progress)
    process.stdout.write(`count ${count}\n` + JSON.stringify({ count, violations: violations.slice(0, 20), connections: client.connections, errors }) + '\n', () => {
      void client.close().then(() => process.exit(0))
    })
  }
}
await client.subscribe([group!], { fromGsn: 1n }, (b) => {
  while (b.next()) {
    if (b.gsn <= lastGsn && violations.length < 20) violations.push(`gsn ${b.gsn} after ${lastGsn}`)
    if (b.gseq(0) !== lastGseq + 1n && violations.length < 20) violations.push(`gseq ${b.gseq(0)} after ${lastGseq}`)
    lastGsn = b.gsn
    lastGseq = b.gseq(0)
    count++
  }
  finish()
})
process.stdout.write('subscribed\n')
const progress = setInterval(() => process.stdout.write(`count ${count}\n`), 200)
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(' ')
  if (cmd === 'stall') {
    stalled = true
    current?.pause()
    process.stdout.write('stalled\n')
  } else if (cmd === 'unstall') {
    stalled = false
    current?.resume()
    process.stdout.write('unstalled\n')
  } else if (cmd === 'expect') {
    expected = Number(arg)
    finish()
  }
}
