// A small live system for the dashboard test: publishers and subscribers with
// their own tokens (subjects), paced publishing whose rate swings over time (so
// charts have a shape), messages to one and to several groups, a durable and a
// tentative subscriber, and one that replays from gsn 1. Runs until killed.
// Prints "published <n>" every 500 ms.
// Usage: node dashboard-load.js <url>   (tokens in env PUB_TOKEN, SUB_TOKEN, AUDIT_TOKEN)
import { connect } from '../../../gateway/client/index.js'

const url = process.argv[2]!
const onError = (e: { codeName: string; message: string }): void => void process.stderr.write(`dashboard-load: ${e.codeName} ${e.message}\n`)
const pub = await connect(url, { token: process.env.PUB_TOKEN, connectTimeoutMs: 30_000, onError })
const billing = await connect(url, { token: process.env.SUB_TOKEN, connectTimeoutMs: 30_000, onError })
const audit = await connect(url, { token: process.env.AUDIT_TOKEN, connectTimeoutMs: 30_000, onError })

// The publisher creates the groups first: a subscribe-only token may not.
const payload = new Uint8Array(120).fill(97)
for (const g of ['orders.eu', 'orders.us', 'payments', 'audit']) await pub.publish([g], payload)

let received = 0
const count = (b: { next(): boolean }): void => {
  while (b.next()) received++
}
await billing.subscribe(['orders.eu', 'orders.us'], {}, count)
await billing.subscribe(['payments'], { tentative: true }, count)
await audit.subscribe(['audit'], { fromGsn: 1n }, count)

let published = 0
const started = Date.now()
setInterval(() => process.stdout.write(`published ${published} received ${received}\n`), 500)
// 10 ms ticks; 15..45 messages a tick (1.5k..4.5k msg/s), swinging over ~20 s.
setInterval(() => {
  const t = (Date.now() - started) / 1000
  const n = Math.round(30 + 15 * Math.sin(t / 3))
  for (let i = 0; i < n; i++) {
    const k = published++ % 10
    const groups = k < 5 ? ['orders.eu'] : k < 8 ? ['orders.us'] : k === 8 ? ['payments', 'audit'] : ['orders.eu', 'audit']
    void pub.publish(groups, payload).catch(() => {})
  }
}, 10)
