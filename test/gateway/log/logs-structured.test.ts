// `ordo start` logs: JSON lines with time and level when stdout is a pipe,
// readable lines on a terminal (a real pseudo-terminal through script(1)),
// --log-level filters; connection open/close with the token's subject and the
// reason, auth failures, shutdown steps, and never the secret or a token.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect } from '../../../gateway/client/index.js'
import { mintToken } from '../../../gateway/auth/token.js'
import { cliPath, ordo, ordoLive } from '../helpers/cli.js'
import { freePort, startServerProcess } from '../helpers/server-process.js'

const SECRET = 'log-test-secret-7d1e5a'

interface Line {
  level: string
  time: string
  msg: string
  event?: string
  [k: string]: unknown
}

test('JSON lines: start-up, connections with subject and reason, auth failure, shutdown; no secret or token anywhere', async () => {
  const server = await startServerProcess({ secret: SECRET })
  const token = mintToken(SECRET, { sub: 'alice-svc', publish: ['>'], subscribe: ['>'] })
  const forged = mintToken('another-secret', { sub: 'mallory', publish: ['>'] })
  let health: { transport?: string } = {}
  try {
    health = (await (await fetch(`${server.httpUrl}/health`)).json()) as { transport?: string }
    const c = await connect(server.wsUrl, { token })
    await c.publish(['orders'], 'hello')
    await c.close()
    const bad = await ordo(['publish', 'orders', 'x', '--url', server.wsUrl, '--token', forged])
    assert.equal(bad.code, 1)
    // The admin API with the valid token (no monitor right) is refused and logged too.
    const r = await fetch(`${server.httpUrl}/api/stats`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(r.status, 403)
    await new Promise((res) => setTimeout(res, 200))
  } finally {
    assert.equal(await server.sigterm(), 0)
    server.cleanup()
  }
  const raw = server.output.filter((l) => !l.startsWith('stderr: '))
  const lines = raw.map((l) => JSON.parse(l) as Line)
  for (const l of lines) {
    assert.match(l.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO timestamp')
    assert.ok(['info', 'warn', 'error', 'debug', 'fatal'].includes(l.level), `level name: ${l.level}`)
  }
  const ev = (e: string) => lines.filter((l) => l.event === e)
  const start = ev('start')[0]!
  assert.equal(start.version, '0.1.0')
  assert.equal(start.durability, 'fsync')
  // The start line names the transport asked for; the listening line the one that runs, as /health does.
  assert.equal(start.transport, process.env.ORDO_TRANSPORT || 'auto')
  const listening = ev('listening')[0]!
  assert.ok(health.transport === 'uws' || health.transport === 'ws', `health names the transport: ${JSON.stringify(health)}`)
  assert.equal(listening.transport, health.transport)
  assert.match(String(listening.implementation), health.transport === 'uws' ? /^uWebSockets\.js \d/ : /^ws \d+\.\d+\.\d+ on node:http$/)
  assert.ok(typeof start.dataDir === 'string' && typeof start.port === 'number')
  assert.equal(ev('journal_recovered').length, 1, 'recovery report on open')
  const open = ev('connection_open').find((l) => l.subject === 'alice-svc')
  assert.ok(open !== undefined, 'connection open names the subject')
  const close = ev('connection_close').find((l) => l.subject === 'alice-svc')
  assert.ok(close !== undefined && typeof close.reason === 'string' && close.reason.length > 0, 'close has a reason')
  const failed = ev('auth_failed')
  assert.ok(failed.some((l) => /signature/.test(String(l.reason))), `auth failure logged: ${JSON.stringify(failed)}`)
  assert.ok(ev('forbidden').some((l) => l.subject === 'alice-svc'), 'admin refusal logged with the subject')
  const steps = ev('shutdown_step').map((l) => l.step)
  assert.deepEqual(steps, ['stopped_accepting', 'publishes_answered', 'engine_closed', 'connections_closed'])
  assert.ok(lines.some((l) => /^stopped; durable_gsn=1$/.test(l.msg)))
  const all = server.output.join('\n')
  assert.ok(!all.includes(SECRET), 'the secret is in no line')
  assert.ok(!all.includes(token) && !all.includes(token.split('.')[2]!), 'the token is in no line')
  assert.ok(!all.includes(forged.split('.')[2]!), 'a refused token is in no line either')
})

test('--log-level warn leaves out info lines; ORDO_LOG_LEVEL=debug adds connection accepts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-loglevel-'))
  try {
    for (const [args, env] of [[['--log-level', 'warn'], {}], [[], { ORDO_LOG_LEVEL: 'debug' }]] as const) {
      const port = await freePort()
      const live = ordoLive(['start', '--port', String(port), '--data', join(dir, `d${port}`), ...args], { ...process.env, ...env })
      await waitHealthy(port)
      await (await connect(`ws://127.0.0.1:${port}/`)).close()
      await new Promise((r) => setTimeout(r, 100))
      live.proc.kill('SIGTERM')
      const r = await live.closed
      assert.equal(r.code, 0, r.stderr)
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line)
      if (args.length > 0) {
        assert.ok(lines.length > 0, 'the open-mode warning is still there')
        assert.ok(lines.every((l) => l.level === 'warn' || l.level === 'error'), `only warn and above: ${lines.map((l) => l.level).join(',')}`)
      } else {
        assert.ok(lines.some((l) => l.event === 'connection_accept' && l.level === 'debug'), 'debug lines present')
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

async function waitHealthy(port: number): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server on port ${port} not healthy within 30 s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

test('on a terminal the lines are readable: time, level, message, key=value', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-tty-'))
  const port = await freePort()
  try {
    // script(1) gives the server a pseudo-terminal as stdout.
    const cmd = `${process.execPath} ${cliPath} start --port ${port} --data ${dir}/data`
    const p = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ORDO_SECRET: SECRET } })
    let out = ''
    p.stdout.on('data', (d: Buffer) => (out += d.toString()))
    const deadline = Date.now() + 20_000
    while (!/ready/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    assert.match(out, /ready/, out)
    const health = await fetch(`http://127.0.0.1:${port}/health`)
    assert.equal(health.status, 200)
    // Closing the terminal (script gets SIGTERM and hangs up the pty) stops the server.
    p.kill('SIGTERM')
    await new Promise((r) => p.once('close', r))
    await waitPortFree(port)
    const text = out.replace(/\x1b\[[0-9;]*m/g, '')
    const line = text.split(/\r?\n/).find((l) => l.includes('listening on'))
    assert.ok(line !== undefined, text)
    assert.match(line, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO  listening on ws:\/\/127\.0\.0\.1:\d+\/  event=listening url=ws:\/\/127\.0\.0\.1:\d+\/ port=\d+ host=127\.0\.0\.1 transport=(uws|ws) implementation="(uWebSockets\.js|ws) [^"]+"$/)
    assert.ok(!text.trimStart().startsWith('{'), 'not JSON')
    assert.ok(!text.includes(SECRET), 'no secret on the terminal')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

async function waitPortFree(port: number): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/health`)
    } catch {
      return
    }
    if (Date.now() > deadline) throw new Error(`server on port ${port} still answers after its terminal closed`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
