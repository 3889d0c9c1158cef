// Child: publishes payloads that are not bytes (nor a string); each must be refused with
// a named error, nothing may stay pending, and the process must end normally.
import { Engine } from '../../../../engine/index.js'

process.on('unhandledRejection', (r) => {
  process.stdout.write(`unhandled rejection: ${String(r)}\n`)
  process.exitCode = 3
})
const engine = await Engine.open({ durability: 'memory' })
const bad: unknown[] = [42, null, undefined, { length: 3 }, [1, 2, 3], new Uint16Array(4), new ArrayBuffer(8), 7n]
for (const payload of bad) {
  try {
    await engine.publish(['a'], payload as Uint8Array)
    process.stdout.write(`accepted: ${Object.prototype.toString.call(payload)}\n`)
  } catch (err) {
    const e = err as { code?: string; name: string; message: string }
    process.stdout.write(`refused: ${Object.prototype.toString.call(payload)} name=${e.name} code=${e.code} message=${e.message}\n`)
  }
}
const ok = await engine.publish(['a'], new Uint8Array([1, 2, 3]))
process.stdout.write(`good publish: gsn=${ok.gsn}\n`)
await new Promise((r) => setTimeout(r, 300)) // anything left pending would surface now
await engine.close()
process.stdout.write('closed\n')
