// Publishes one message under a chosen publisher id and token, then prints one
// JSON line: {"ok":true,"gsn":"…"} or {"ok":false,"code":"…","message":"…"}.
// Usage: node publish-as.js <url[,url]> <token> <publisher> <group> <payload>
import { connect, OrdoError } from '../../../../gateway/client/index.js'

const [urls, token, publisher, group, payload] = process.argv.slice(2)
const out = (o: object) => new Promise<void>((r) => process.stdout.write(JSON.stringify(o) + '\n', () => r()))
try {
  const client = await connect(urls!.split(','), { token: token!, publisher: BigInt(publisher!), connectTimeoutMs: 10_000 })
  try {
    const { gsn } = await client.publish([group!], payload!)
    await out({ ok: true, gsn: String(gsn), publisher: String(client.publisher) })
  } finally {
    await client.close().catch(() => {})
  }
} catch (err) {
  await out({ ok: false, code: err instanceof OrdoError ? err.codeName : 'ERROR', message: err instanceof Error ? err.message : String(err) })
}
process.exit(0)
