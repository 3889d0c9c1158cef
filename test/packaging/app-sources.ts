// The TypeScript files the packaging test writes into its scratch apps and
// compiles against the installed packages (kept as strings: the repository's
// own build must not try to resolve 'ordo-client').

/** Uses only the client package; no Node typings (it must compile for a browser app too). */
export const CLIENT_APP = `
import { connect, OrdoError, type ClientPublishResult } from 'ordo-client'

declare const process: { argv: string[]; stdout: { write(s: string): void }; exit(code: number): never }

const [url, group] = [process.argv[2]!, process.argv[3]!]
const client = await connect(url, { connectTimeoutMs: 20_000 })
const got: string[] = []
const decoder = new TextDecoder()
await client.subscribe([group], { fromGsn: 1n }, (batch) => {
  while (batch.next()) got.push(decoder.decode(batch.payload()))
})
const acks: ClientPublishResult[] = await Promise.all(Array.from({ length: 50 }, (_, i) => client.publish([group], 'c' + i)))
for (let i = 0; i < 1000 && got.length < 50; i++) await new Promise((r) => setTimeout(r, 10))
await client.close()
const errorClass = typeof OrdoError === 'function'
process.stdout.write(JSON.stringify({ got, gsns: acks.map((a) => String(a.gsn)), errorClass }) + '\\n')
process.exit(0)
`

/** Uses the server package as a library: engine, gateway and its client entry, in one process. */
export const SERVER_APP = `
import { Engine } from 'ordo'
import { GatewayServer } from 'ordo/gateway'
import { connect } from 'ordo/client'

const engine = await Engine.open({ durability: 'memory' })
const server = await GatewayServer.start(engine, { port: 0 })
const client = await connect(server.url)
const got: number[] = []
await client.subscribe(['embedded'], { fromGsn: 1n }, (batch) => {
  while (batch.next()) got.push(Number(batch.gsn))
})
for (let i = 0; i < 20; i++) await client.publish(['embedded'], 'e' + i)
for (let i = 0; i < 1000 && got.length < 20; i++) await new Promise((r) => setTimeout(r, 10))
await client.close()
const health = (await (await fetch('http://127.0.0.1:' + server.port + '/health')).json()) as { transport: string }
await server.close({ closeEngine: () => engine.close() })
process.stdout.write(JSON.stringify({ got, transport: health.transport }) + '\\n')
process.exit(0)
`

/** The page that loads the prebuilt browser bundle, no import map, no bundler. */
export const BROWSER_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>ordo-client browser bundle</title>
<pre id="result"></pre>
<script type="module">
import { connect } from '/ordo-client.js'
const out = document.getElementById('result')
const params = new URLSearchParams(location.search)
const group = params.get('group')
try {
  const client = await connect(params.get('ws'))
  const got = []
  const decoder = new TextDecoder()
  await client.subscribe([group], { fromGsn: 1n }, (batch) => {
    while (batch.next()) got.push(decoder.decode(batch.payload()))
  })
  const acks = await Promise.all(Array.from({ length: 40 }, (_, i) => client.publish([group], 'b' + i)))
  for (let i = 0; i < 500 && got.length < 40; i++) await new Promise((r) => setTimeout(r, 20))
  await client.close()
  out.textContent = JSON.stringify({ ok: true, got, gsns: acks.map((a) => String(a.gsn)) })
} catch (err) {
  out.textContent = JSON.stringify({ ok: false, error: String((err && err.stack) || err) })
}
</script>
`

export function tsconfigFor(variant: 'node' | 'nodenext', outDir: string, files: string[], nodeTypesRoot: string | null): string {
  const moduleOptions = variant === 'node' ? { module: 'ES2022', moduleResolution: 'node' } : { module: 'NodeNext', moduleResolution: 'NodeNext' }
  return JSON.stringify(
    {
      compilerOptions: {
        ...moduleOptions,
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        strict: true,
        // The packages' declarations are part of what is tested.
        skipLibCheck: false,
        outDir,
        ...(nodeTypesRoot === null ? { types: [] } : { typeRoots: [nodeTypesRoot], types: ['node'] }),
      },
      files,
    },
    null,
    2,
  )
}
