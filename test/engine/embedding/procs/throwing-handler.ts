// Child: a subscription whose handler throws on its second delivery. The process must
// live on, the error must reach the subscription's onError, and later messages still
// arrive (the subscription continues, as in the client library).
import { Engine } from '../../../../engine/index.js'

const engine = await Engine.open({ durability: 'memory' })
let calls = 0
const gsns: string[] = []
const errors: string[] = []
const sub = engine.subscribe(['t'], {
  onError: (e) => errors.push(`name=${e.name} code=${e.code} message=${e.message}`),
}, (b) => {
  calls++
  while (b.next()) gsns.push(String(b.gsn))
  if (calls === 2) throw new Error('handler bug')
})
await sub.live
for (let i = 1; i <= 4; i++) {
  await engine.publish(['t'], `m${i}`)
  await new Promise((r) => setTimeout(r, 50))
}
await new Promise((r) => setTimeout(r, 200))
process.stdout.write(`delivered: ${gsns.join(',')}\n`)
for (const e of errors) process.stdout.write(`onError: ${e}\n`)
sub.close()
await engine.close()
process.stdout.write('closed\n')
