// Child: opens an engine, opens a second one on the same directory (must be refused at
// once), closes the first and ends by itself (nothing may keep the process alive).
import { Engine } from '../../../../engine/index.js'

const dir = process.argv[2]!
const first = await Engine.open({ dataDir: dir })
await first.publish(['a'], 'one')
try {
  const second = await Engine.open({ dataDir: dir })
  process.stdout.write('second open: accepted\n')
  await second.publish(['a'], 'two').catch((e: unknown) => process.stdout.write(`second publish: ${String(e)}\n`))
  await second.close().catch((e: unknown) => process.stdout.write(`second close: ${String(e)}\n`))
} catch (err) {
  const e = err as { code?: string; message: string; name: string }
  process.stdout.write(`second open: refused name=${e.name} code=${e.code} message=${e.message}\n`)
}
const r = await first.publish(['a'], 'three')
process.stdout.write(`first publish after: gsn=${r.gsn}\n`)
await first.close()
process.stdout.write('closed\n')
