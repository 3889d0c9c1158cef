// Publishes 100-byte messages to one group as fast as its in-flight window
// allows, for a given time; prints "acked <n>" every 200 ms and a JSON line at
// the end: {acked, failed, lastGsn}.
// Usage: node load-publisher.js <url> <group> <durationMs> [window]
import { connect } from '../../../gateway/client/index.js'

const [url, group, durationArg, windowArg] = process.argv.slice(2)
const duration = Number(durationArg)
const window = Number(windowArg ?? 4000)
const client = await connect(url!, { connectTimeoutMs: 30_000, maxInFlight: window, onError: (e) => process.stderr.write(`load-publisher: ${e.codeName} ${e.message}\n`) })
const payload = new Uint8Array(100).fill(65)
let acked = 0
let failed = 0
let lastGsn = 0n
let inFlight = 0
const end = Date.now() + duration
const progress = setInterval(() => process.stdout.write(`acked ${acked}\n`), 200)
let wake: (() => void) | null = null
while (Date.now() < end) {
  while (inFlight < window && Date.now() < end) {
    inFlight++
    client.publish([group!], payload).then(
      (r) => {
        acked++
        inFlight--
        if (r.gsn > lastGsn) lastGsn = r.gsn
        wake?.()
      },
      () => {
        failed++
        inFlight--
        wake?.()
      },
    )
  }
  await new Promise<void>((r) => {
    wake = r
    setTimeout(r, 5)
  })
}
await client.flush()
clearInterval(progress)
await new Promise<void>((r) => process.stdout.write(`acked ${acked}\n` + JSON.stringify({ acked, failed, lastGsn: String(lastGsn) }) + '\n', () => r()))
await client.close()
process.exit(0)
