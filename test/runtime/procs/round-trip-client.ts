// A client of the client library in its own process, run under the Node
// binary being tested: subscribes to a group from the start, publishes N
// messages, waits until all came back in order, prints one JSON line.
// Usage: node round-trip-client.js URL GROUP N
import { connect } from '../../../gateway/client/index.js'

const [url, group, n] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 100)]
const platformWebSocket = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function'
const client = await connect(url, { connectTimeoutMs: 20_000 })
const got: { gsn: string; text: string; gseq: number }[] = []
const decoder = new TextDecoder()
await client.subscribe([group], { fromGsn: 1n }, (batch) => {
  while (batch.next()) got.push({ gsn: String(batch.gsn), text: decoder.decode(batch.payload()), gseq: batch.gseqNumber(0) })
})
const acks = await Promise.all(Array.from({ length: n }, (_, i) => client.publish([group], `m${i}`)))
const deadline = Date.now() + 20_000
while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
await client.close()
process.stdout.write(JSON.stringify({ node: process.versions.node, platformWebSocket, acked: acks.map((a) => String(a.gsn)), got }) + '\n')
process.exit(0)
