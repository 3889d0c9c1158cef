// `run-compare --quick --only ordo-ws,ordo-embedded,limits` with a tiny workload, as a user runs it: a subprocess
// that must finish in time, print the table, end with one JSON line holding the documented keys, pass its own delivery
// checks and write its results (JSON + SVG, and latest.*) where --results-dir says.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../../bench/compare/run-compare.js', import.meta.url))

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Its own process group: on a timeout the group is killed, so the servers run-compare started (which do not
    // watch their parent) go with it instead of outliving the test.
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
      reject(new Error(`run-compare did not finish in ${timeoutMs} ms; stderr:\n${stderr.slice(-3000)}`))
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

const ISSUE_KEYS = [
  'ordo_ws_async_msgs_per_s', 'ordo_ws_fsync_msgs_per_s', 'ordo_embedded_msgs_per_s', 'jetstream_acked_msgs_per_s',
  'jetstream_stored_msgs_per_s', 'redis_xadd_msgs_per_s', 'bare_ring_msgs_per_s', 'ordo_p99_us', 'jetstream_p99_us', 'redis_p99_us',
]

test('run-compare --quick on ordo and the limits ends with the JSON line, checks ok, results written', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-compare-cli-'))
  try {
    const r = await run(
      ['--quick', '--json', '--only', 'ordo-ws,ordo-embedded,limits', '--publishers', '1', '--subscribers', '2', '--groups', '2',
        '--messages', '5000', '--ordo-messages', '40000', '--rate', '1000', '--latency-seconds', '0.5', '--dir', dir, '--results-dir', join(dir, 'results')],
      55_000,
    )
    assert.equal(r.code, 0, `exit code ${r.code}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`)
    const lines = r.stdout.trim().split('\n')
    const summary = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
    for (const k of ISSUE_KEYS) assert.ok(k in summary, `JSON line lacks ${k}`)
    for (const k of ['ordo_ws_async_msgs_per_s', 'ordo_ws_fsync_msgs_per_s', 'ordo_embedded_msgs_per_s', 'ordo_embedded_memory_msgs_per_s', 'bare_ring_msgs_per_s', 'ordo_p99_us']) {
      assert.ok(typeof summary[k] === 'number' && (summary[k] as number) > 0, `${k} = ${String(summary[k])}`)
    }
    // Peers were not asked for: their keys are present and null, not made up.
    for (const k of ['jetstream_acked_msgs_per_s', 'redis_xadd_msgs_per_s', 'jetstream_p99_us']) assert.equal(summary[k], null, k)
    assert.equal(summary.ok, true)
    assert.deepEqual(summary.checks, { 'ordo-ws-async': true, 'ordo-ws-fsync': true, 'ordo-embedded': true, 'ordo-embedded-memory': true })
    assert.match(r.stdout, /^machine: /m)
    assert.match(r.stdout, /^ordo ws async, server ceiling .* ok\s*$/m)
    assert.match(r.stdout, /^checks: ok/m)
    assert.match(r.stderr, /ordo-ws-async: starting/, 'progress on stderr')
    const files = readdirSync(join(dir, 'results')).sort()
    assert.equal(files.length, 4, files.join(', '))
    assert.ok(files.includes('latest.json') && files.includes('latest.svg'))
    const saved = JSON.parse(readFileSync(join(dir, 'results', 'latest.json'), 'utf8')) as { rows: { key: string }[]; workload: { subscribers: number } }
    assert.deepEqual(saved.rows.map((x) => x.key), ['ordo-ws-async', 'ordo-ws-fsync', 'ordo-embedded', 'ordo-embedded-memory'])
    assert.equal(saved.workload.subscribers, 2)
    assert.match(readFileSync(join(dir, 'results', 'latest.svg'), 'utf8'), /ordo ws async/)
    // Nothing of the servers' or the disk test's data is left under --dir.
    assert.deepEqual(readdirSync(dir), ['results'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('run-compare refuses an unknown system and a missing --dir with advice, exit code 2', { timeout: 20_000 }, async () => {
  const a = await run(['--only', 'ordo-ws,kafka'], 15_000)
  assert.equal(a.code, 2)
  assert.match(a.stderr, /unknown system "kafka"; choose from ordo-client, ordo-ws, ordo-embedded, jetstream, redis, limits/)
  const b = await run(['--dir', '/nonexistent/ordo-compare'], 15_000)
  assert.equal(b.code, 2)
  assert.match(b.stderr, /--dir \/nonexistent\/ordo-compare does not exist/)
})

test('run-compare --quick on the client library rows prints the client and bare-relay keys, checks ok', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-compare-client-'))
  try {
    const r = await run(
      ['--quick', '--json', '--only', 'ordo-client,limits', '--publishers', '1', '--subscribers', '1', '--groups', '2',
        '--messages', '5000', '--ordo-messages', '30000', '--rate', '1000', '--latency-seconds', '0.5', '--dir', dir, '--results-dir', join(dir, 'results')],
      85_000,
    )
    assert.equal(r.code, 0, `exit code ${r.code}\nstdout:\n${r.stdout.slice(-3000)}\nstderr:\n${r.stderr.slice(-3000)}`)
    const lines = r.stdout.trim().split('\n')
    const summary = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
    for (const k of ['ordo_client_publish_msgs_per_s', 'ordo_client_batch_msgs_per_s', 'ordo_cli_publish_msgs_per_s', 'ordo_client_p50_us', 'ordo_client_p99_us', 'ordo_client_p999_us', 'bare_relay_p50_us', 'bare_relay_p99_us', 'bare_relay_p999_us']) {
      assert.ok(typeof summary[k] === 'number' && (summary[k] as number) > 0, `${k} = ${String(summary[k])}`)
    }
    assert.equal(summary.ok, true)
    assert.deepEqual(summary.checks, { 'ordo-client-publish': true, 'ordo-client-batch': true, 'ordo-cli-publish': true })
    assert.match(r.stdout, /^ordo client publish\(\) .* ok\s*$/m)
    assert.match(r.stdout, /^ordo publish \(CLI, stdin\) .* ok\s*$/m)
    assert.match(r.stdout, /bare relay latency p50\/p99\/p99\.9 \d+ µs/)
    assert.match(r.stdout, /the peers run through their own client libraries, and so do the "ordo client" rows/)
    assert.deepEqual(readdirSync(dir), ['results'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
