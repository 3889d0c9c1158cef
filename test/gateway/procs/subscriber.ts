// A subscriber process for the end-to-end tests. Subscribes from gsn 1 and
// records every message: [gsn, publisher, pseq, "g:gseq,...", payload]. Drops
// its connection at random moments when asked (the client library resumes from
// the last gsn + 1). Reads commands on stdin:
//   expect <n>   exit once n messages arrived (printing the record as JSON)
//   stall        stop reading the socket (a slow consumer); `unstall` resumes
// Prints "subscribed" once confirmed, "count <n>" on request ("count").
//
// Usage: node subscriber.js <url[,url...]> <groups,...> [chaosMs] [seed] [allGroups,...]
//   allGroups: names resolved up front so that records can name every group of a message
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import { connect, type WebSocketCtor } from '../../../gateway/client/index.js'

const [url, groupsArg, chaosArg, seedArg, allArg] = process.argv.slice(2)
const groups = groupsArg!.split(',')
const chaosMs = Number(chaosArg ?? 0)
let seed = Number(seedArg ?? 1) >>> 0
const rnd = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0
  return seed / 2 ** 32
}

// The ws instances the client opens, so that `stall` can stop reading the socket.
let current = null as WebSocket | null
let stalled = false
class TrackedWebSocket extends WebSocket {
  constructor(u: string) {
    super(u)
    current = this
    if (stalled) this.once('open', () => this.pause())
  }
}

const records: [number, number, number, string, string][] = []
const decoder = new TextDecoder()
let expected = -1
let errors = 0
const client = await connect(url!.split(','), {
  connectTimeoutMs: 30_000,
  WebSocket: TrackedWebSocket as unknown as WebSocketCtor,
  onError: (e) => {
    errors++
    process.stderr.write(`subscriber ${groupsArg}: ${e.codeName} ${e.message}\n`)
  },
})

function finishIfDone(): void {
  if (expected >= 0 && records.length >= expected) {
    // Exit only once the (large) line is flushed to the pipe.
    process.stdout.write(JSON.stringify({ groups, records, connections: client.connections, errors }) + '\n', () => {
      void client.close().then(() => process.exit(0))
    })
    expected = -2
  }
}

if (allArg !== undefined && allArg !== '') await client.resolveGroups(allArg.split(','))
await client.subscribe(groups, { fromGsn: 1n }, (b) => {
  while (b.next()) {
    const gs: string[] = []
    for (let i = 0; i < b.groupCount; i++) gs.push(`${client.groupName(b.group(i)) ?? b.group(i)}:${b.gseq(i)}`)
    records.push([b.gsnNumber, b.publisherNumber, b.pseqNumber, gs.join(','), decoder.decode(b.payload())])
  }
  finishIfDone()
})
process.stdout.write('subscribed\n')

let chaos: ReturnType<typeof setTimeout> | null = null
const scheduleChaos = () => {
  if (chaosMs <= 0) return
  chaos = setTimeout(() => {
    client.disconnect()
    scheduleChaos()
  }, chaosMs * (0.5 + rnd()))
}
scheduleChaos()

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(' ')
  if (cmd === 'expect') {
    expected = Number(arg)
    if (chaos !== null) clearTimeout(chaos)
    finishIfDone()
  } else if (cmd === 'stall') {
    stalled = true
    current?.pause()
    process.stdout.write('stalled\n')
  } else if (cmd === 'unstall') {
    stalled = false
    current?.resume()
    process.stdout.write('unstalled\n')
  } else if (cmd === 'count') {
    process.stdout.write(`count ${records.length}\n`)
  }
}
