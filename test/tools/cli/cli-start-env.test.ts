// `ordo start` takes every flag from an ORDO_* variable too (the command line
// wins), lists the mapping in --help, refuses bad values with a clear message,
// and its retention flags delete old segments (counted in /metrics, logged).
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect } from '../../../gateway/client/index.js'
import type { StatsDoc } from '../../../gateway/admin/admin-types.js'
import { ordo, ordoLive, waitFor } from '../../gateway/helpers/cli.js'
import { freePort } from '../../gateway/helpers/server-process.js'

const FLAGS = [
  'port', 'host', 'data', 'durability', 'secret', 'max-payload', 'max-connections', 'send-buffer-high', 'slow-consumer-timeout',
  'retention-bytes', 'retention-age', 'retention-max-bytes', 'retention-max-age', 'segment-bytes', 'cors-origin', 'no-ui', 'log-level', 'log-format', 'quiet',
]

test('--help names the variable of every flag', async () => {
  const r = await ordo(['start', '--help'])
  assert.equal(r.code, 0)
  for (const f of FLAGS) {
    const env = `ORDO_${f.toUpperCase().replace(/-/g, '_')}`
    assert.match(r.stdout, new RegExp(`--${f}\\b.*\\b${env}\\b`), `${f} -> ${env}`)
  }
})

test('flags from the environment, the command line wins, bad values are refused clearly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-env-'))
  const port = await freePort()
  const env = { ...process.env, ORDO_PORT: String(port), ORDO_DATA: join(dir, 'env-data'), ORDO_DURABILITY: 'memory', ORDO_NO_UI: 'true', ORDO_MAX_PAYLOAD: '2048' }
  const live = ordoLive(['start', '--durability', 'async'], env)
  try {
    await waitFor(() => live.out.stdout.includes('"msg":"ready"'), 30_000, 'ready')
    const stats = (await (await fetch(`http://127.0.0.1:${port}/api/stats`)).json()) as StatsDoc
    assert.equal(stats.server.port, port, 'ORDO_PORT')
    assert.equal(stats.server.durability, 'async', 'the flag beats ORDO_DURABILITY')
    assert.ok(readdirSync(join(dir, 'env-data')).length > 0, 'ORDO_DATA')
    assert.equal((await fetch(`http://127.0.0.1:${port}/ui`)).status, 404, 'ORDO_NO_UI')
    const c = await connect(`ws://127.0.0.1:${port}/`)
    await assert.rejects(c.publish(['g'], new Uint8Array(4096)), /payload too large: size=4096, max=2048/, 'ORDO_MAX_PAYLOAD')
    await c.close()
  } finally {
    live.proc.kill('SIGTERM')
    await live.closed
  }
  const bad = await ordo(['start'], { env: { ...process.env, ORDO_PORT: 'seventy', ORDO_DATA: join(dir, 'x') } })
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /bad number: --port="seventy"/)
  const badBool = await ordo(['start'], { env: { ...process.env, ORDO_QUIET: 'perhaps', ORDO_DATA: join(dir, 'x') } })
  assert.equal(badBool.code, 2)
  assert.match(badBool.stderr, /ORDO_QUIET="perhaps" \(1\/true\/yes or 0\/false\/no\)/)
  const badSize = await ordo(['start', '--retention-max-bytes', '10 parsecs', '--data', join(dir, 'x')])
  assert.equal(badSize.code, 2)
  assert.match(badSize.stderr, /bad size: --retention-max-bytes/)
  rmSync(dir, { recursive: true, force: true })
})

test('--retention-max-bytes deletes the oldest segments; /metrics counts them and the log says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-retention-'))
  const port = await freePort()
  const live = ordoLive(['start', '--port', String(port), '--data', dir, '--segment-bytes', '64KiB', '--retention-max-bytes', '200KiB', '--durability', 'async'])
  try {
    await waitFor(() => live.out.stdout.includes('"msg":"ready"'), 30_000, 'ready')
    const c = await connect(`ws://127.0.0.1:${port}/`)
    const payload = new Uint8Array(1000).fill(120)
    await Promise.all(Array.from({ length: 1000 }, () => c.publish(['big'], payload)))
    await c.close()
    await waitFor(() => live.out.stdout.includes('"event":"retention_removed"'), 20_000, 'a retention run')
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    const removed = Number(/^ordo_retention_removed_segments_total (\d+)$/m.exec(text)?.[1])
    assert.ok(removed >= 1, `removed segments counted: ${removed}`)
    const bytes = Number(/^ordo_journal_bytes (\d+)$/m.exec(text)?.[1])
    assert.ok(bytes < 1_000_000, `journal kept small: ${bytes} bytes`)
    const oldest = Number(/^ordo_journal_oldest_gsn (\d+)$/m.exec(text)?.[1])
    assert.ok(oldest > 1, 'the oldest gsn moved')
    // tail --from-beginning starts at the oldest message still kept.
    const tail = await ordo(['tail', 'big', '--from-beginning', '--count', '1', '--json', '--url', `ws://127.0.0.1:${port}/`])
    assert.equal(tail.code, 0, tail.stderr)
    assert.equal((JSON.parse(tail.stdout.trim()) as { gsn: number }).gsn, oldest)
    assert.match(tail.stderr, new RegExp(`starting at the oldest kept, gsn ${oldest}`))
  } finally {
    live.proc.kill('SIGTERM')
    const r = await live.closed
    assert.equal(r.code, 0, r.stderr)
    rmSync(dir, { recursive: true, force: true })
  }
})
