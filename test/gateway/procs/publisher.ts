// A publisher process for the end-to-end tests. Publishes `count` messages,
// cycling through the given group sets; message i carries the payload
// "<tag>:<i>:<groups>". Optionally drops its connection at random moments
// (the client library reconnects and resends). Prints one JSON line at the
// end: {tag, publisher, acks: [[i, gsn], ...], failed: [[i, error], ...]}.
//
// Usage: node publisher.js <url[,url...]> <tag> <set;set;...> <count> [chaosMs] [paceEvery] [seed]
//   set = comma-separated group names; paceEvery: yield to the event loop every N messages
import { connect } from '../../../gateway/client/index.js'

const [url, tag, setsArg, countArg, chaosArg, paceArg, seedArg] = process.argv.slice(2)
const sets = setsArg!.split(';').map((s) => s.split(','))
const count = Number(countArg)
const chaosMs = Number(chaosArg ?? 0)
const paceEvery = Number(paceArg ?? 0)
let seed = Number(seedArg ?? 1) >>> 0
const rnd = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
  return seed / 2 ** 32
}

const client = await connect(url!.split(','), { connectTimeoutMs: 30_000, onError: (e) => process.stderr.write(`publisher ${tag}: ${e.codeName} ${e.message}\n`) })
process.stdout.write(`started ${client.publisher}\n`)
let chaos: ReturnType<typeof setTimeout> | null = null
const scheduleChaos = () => {
  if (chaosMs <= 0) return
  chaos = setTimeout(() => {
    client.disconnect()
    scheduleChaos()
  }, chaosMs * (0.5 + rnd()))
}
scheduleChaos()
const acks: [number, string][] = []
const failed: [number, string][] = []
const pending: Promise<void>[] = []
for (let i = 0; i < count; i++) {
  const groups = sets[i % sets.length]!
  pending.push(
    client.publish(groups, `${tag}:${i}:${groups.join(',')}`).then(
      (r) => {
        acks.push([i, String(r.gsn)])
        if (acks.length % 500 === 0) process.stdout.write(`acked ${acks.length}\n`) // progress, for tests that act mid-stream
      },
      (e: Error) => {
        failed.push([i, e.message])
      },
    ),
  )
  if (paceEvery > 0 && i % paceEvery === paceEvery - 1) await new Promise((r) => setTimeout(r, 1))
}
await Promise.all(pending)
if (chaos !== null) clearTimeout(chaos)
await new Promise<void>((resolve) => process.stdout.write(JSON.stringify({ tag, publisher: String(client.publisher), acks, failed, connections: client.connections }) + '\n', () => resolve()))
await client.close()
process.exit(0)
