// `npm run bench` (bench/micro/run.ts) in --quick mode, in a child process as the script
// runs it (node --expose-gc): every area's cases print positive ops/s and a finite B/op, the
// self-checks pass, and the JSON line matches the table's cases. Bounded by a timeout.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const RUN = fileURLToPath(new URL('../../bench/micro/run.js', import.meta.url))
const AREAS = ['ring', 'codec', 'sequencer', 'journal', 'fanout', 'client']

interface Row {
  area: string
  name: string
  ops_per_s_mean: number
  ops_per_s_median: number
  ns_per_op: number
  p99_ns_per_op: number
  bytes_per_op: number
  heap_bytes_per_op: number
  gcs: number
}

test('bench/micro --quick --json: every bench prints positive ops/s and a finite B/op', { timeout: 60_000 }, () => {
  const r = spawnSync(process.execPath, ['--expose-gc', RUN, '--quick', '--json'], { encoding: 'utf8', timeout: 30_000, maxBuffer: 4 << 20 })
  assert.equal(r.error, undefined, `run.js did not finish in 30 s: ${String(r.error)}`)
  assert.equal(r.status, 0, `run.js exited ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`)
  const lines = r.stdout.trim().split('\n')
  assert.match(lines[0]!, /^machine: /)
  assert.ok(lines.includes('checks: ok'), r.stdout)
  const out = JSON.parse(lines[lines.length - 1]!) as { micro: Row[]; ok: boolean }
  assert.equal(out.ok, true)
  for (const area of AREAS) assert.ok(out.micro.some((row) => row.area === area), `no result for area ${area}`)
  for (const row of out.micro) {
    const what = `${row.area}/${row.name}`
    assert.ok(row.ops_per_s_mean > 0 && Number.isFinite(row.ops_per_s_mean), `${what}: ops/s mean ${row.ops_per_s_mean}`)
    assert.ok(row.ops_per_s_median > 0 && Number.isFinite(row.ops_per_s_median), `${what}: ops/s median ${row.ops_per_s_median}`)
    assert.ok(row.ns_per_op > 0 && row.p99_ns_per_op >= row.ns_per_op, `${what}: ns/op ${row.ns_per_op}, p99 ${row.p99_ns_per_op}`)
    assert.ok(Number.isFinite(row.bytes_per_op) && row.bytes_per_op >= 0, `${what}: B/op ${row.bytes_per_op}`)
    assert.ok(Number.isFinite(row.heap_bytes_per_op) && row.heap_bytes_per_op >= 0, `${what}: heap B/op ${row.heap_bytes_per_op}`)
    assert.ok(Number.isInteger(row.gcs) && row.gcs >= 0, `${what}: GCs ${row.gcs}`)
    // The table shows the same case.
    assert.ok(lines.some((l) => l.startsWith(row.area) && l.includes(row.name)), `${what} missing from the table`)
  }
})

test('bench/micro without --expose-gc says how to run it', () => {
  const r = spawnSync(process.execPath, [RUN, '--quick', '--only', 'ring'], { encoding: 'utf8', timeout: 10_000 })
  assert.equal(r.status, 2)
  assert.match(r.stderr, /--expose-gc/)
})

test('bench/micro refuses an unknown area', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', RUN, '--only', 'ring,nope'], { encoding: 'utf8', timeout: 10_000 })
  assert.equal(r.status, 2)
  assert.match(r.stderr, /unknown area in --only: nope \(known: ring, codec, sequencer, journal, fanout, embedded, client\)/)
})
