// The server under the Node binary of ORDO_TEST_SERVER_NODE (default: this
// one; the test command runs it again under Node 22 and 24 from
// tools/node-runtimes.sh): it starts, picks the transport that fits the
// runtime (saying so loudly when it is the slower one), and a client under
// the same runtime publishes and gets its messages back in order.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serverNode, startServerProcess, type ServerProcess } from '../gateway/helpers/server-process.js'

const node = serverNode()
const proc = (name: string) => fileURLToPath(new URL(`./procs/${name}.js`, import.meta.url))
let server: ServerProcess

function runUnder(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(node, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env } })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

before(async () => {
  server = await startServerProcess({ durability: 'fsync' })
})

after(async () => {
  await server?.stop()
})

test(`the server runs under ${node} on the transport that fits it, and says which`, async () => {
  const version = runUnder(['--version']).stdout.trim()
  const health = (await (await fetch(`${server.httpUrl}/health`)).json()) as { transport: string; node: string }
  assert.equal(`v${health.node}`, version)
  const loads = JSON.parse(runUnder([proc('uws-loads')]).stdout) as { loads: boolean; problems: string[] }
  const asked = process.env.ORDO_TRANSPORT ?? 'auto'
  const expected = asked === 'ws' || !loads.loads ? 'ws' : 'uws'
  assert.equal(health.transport, expected, `uWS builds here: ${JSON.stringify(loads)}`)
  const out = server.output.join('\n')
  // The JSON log lines (stdout is a pipe) name the transport that runs, as /health does.
  const events = server.output.flatMap((l) => {
    try {
      return [JSON.parse(l) as { event?: string; transport?: string; implementation?: string }]
    } catch {
      return []
    }
  })
  for (const name of ['transport', 'listening']) {
    const e = events.find((x) => x.event === name)
    assert.equal(e?.transport, expected, `${name} event: ${out}`)
    assert.match(String(e?.implementation), expected === 'uws' ? /^uWebSockets\.js \d/ : /^ws \d/)
  }
  // The fallback chosen for want of uWS is announced loudly, with what it costs.
  if (expected === 'ws' && asked !== 'ws') assert.match(out, /stderr: ordo: SLOWER TRANSPORT[\s\S]*What it costs/)
  else assert.doesNotMatch(out, /SLOWER TRANSPORT/)
})

test('a client under the same runtime publishes 300 messages and receives them in order', () => {
  const group = `rt.${process.versions.modules}.${Date.now()}`
  const r = runUnder([proc('round-trip-client'), server.wsUrl, group, '300'])
  assert.equal(r.status, 0, r.stderr)
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { node: string; platformWebSocket: boolean; acked: string[]; got: { gsn: string; text: string; gseq: number }[] }
  assert.equal(res.got.length, 300)
  assert.deepEqual(res.got.map((g) => g.text), Array.from({ length: 300 }, (_, i) => `m${i}`))
  assert.deepEqual(res.got.map((g) => g.gsn), res.acked)
  assert.deepEqual(res.got.map((g) => g.gseq), Array.from({ length: 300 }, (_, i) => i + 1))
  // Node >= 22 brings its own WebSocket; Node 20 uses the ws package.
  assert.equal(res.platformWebSocket, Number(res.node.split('.')[0]) >= 22)
})

test('a transport the runtime cannot give fails at start-up with what to do: a bad name (exit 2); uws without a fitting build (exit 1)', () => {
  const loads = (JSON.parse(runUnder([proc('uws-loads')]).stdout) as { loads: boolean }).loads
  const cli = fileURLToPath(new URL('../../tools/cli.js', import.meta.url))
  const start = (transport: string) => runUnder([cli, 'start', '--port', '0', '--durability', 'memory', '--quiet', '--transport', transport])
  const bad = start('nonsense')
  assert.equal(bad.status, 2, bad.stderr)
  assert.match(bad.stderr, /bad transport: --transport="nonsense"; one of auto, uws, ws/)
  if (loads) return // uws would start here and serve: the case below needs a runtime without a build
  const uws = start('uws')
  assert.equal(uws.status, 1, uws.stderr)
  assert.match(uws.stderr, /transport uws asked for, but no uWebSockets\.js build works on Node [\s\S]*@btc-vision\/uwebsockets\.js[\s\S]*--transport ws/)
})
