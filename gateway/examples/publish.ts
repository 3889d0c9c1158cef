// Example: publish with the client library.
//   ordo start                                  (in another terminal)
//   node dist/gateway/examples/publish.js
// Each publish resolves once the message is durable, with its gsn (its place in
// the total order). Messages of one client keep their order; if the connection
// drops, the client reconnects and resends what was not acknowledged, and the
// server answers resends with their original gsn (no duplicates).
import { connect } from '../client/index.js'

const client = await connect(process.env.ORDO_URL ?? 'ws://127.0.0.1:7070/', { token: process.env.ORDO_TOKEN })

// One message to two groups: subscribers of either group get it, with one gsn.
const { gsn } = await client.publish(['orders', 'audit'], JSON.stringify({ order: 1, total: 9.5 }))
console.log(`order 1 is gsn ${gsn}`)

// Many at once: they travel in few frames and resolve together.
const { gsns } = await client.publishBatch(['orders'], Array.from({ length: 1000 }, (_, i) => `order ${i + 2}`))
console.log(`1000 more, gsn ${gsns[0]}..${gsns[999]}`)

// Fire and forget: send() returns the message's seq at once; `acked` tells how far the server has acknowledged.
let seq = 0
for (let i = 0; i < 100_000; i++) seq = client.send(['orders'], `bulk ${i}`)
await client.flush()
console.log(`100 000 sent, acknowledged through seq ${client.acked} (last seq ${seq})`)

await client.close()
