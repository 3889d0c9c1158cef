// tools/nats-cluster.sh as a user runs it: `start --json` leaves 3 healthy nats-servers running after the
// command exits (with sync_interval always in their configs), `status` sees them, `stop` ends exactly those
// pids and removes the directory, and `status` afterwards fails.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from '../../tools/nats/nats-binary.js'
import { type LocalNatsClusterDescription, processAlive as alive } from '../../tools/nats/local-nats-cluster.js'

const script = path.join(repoRoot, 'tools', 'nats-cluster.sh')

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('nats-cluster.sh start --json / status / stop', () => {
  const started = run(['start', '--json'])
  assert.equal(started.status, 0, started.stderr)
  const d = JSON.parse(started.stdout.trim().split('\n').pop()!) as LocalNatsClusterDescription
  try {
    assert.equal(d.servers.length, 3)
    assert.deepEqual(d.urls, d.servers.map((s) => s.url))
    for (const s of d.servers) {
      assert.ok(alive(s.pid), `${s.name} (pid ${s.pid}) runs after start returned`)
      assert.match(s.url, /^nats:\/\/127\.0\.0\.1:\d+$/)
      assert.match(readFileSync(s.configFile, 'utf8'), /sync_interval: always/)
    }
    const status = run(['status', '--dir', d.dir, '--json'])
    assert.equal(status.status, 0, status.stderr)
    const st = JSON.parse(status.stdout) as { servers: { healthy: boolean }[] }
    assert.deepEqual(st.servers.map((s) => s.healthy), [true, true, true])
  } finally {
    const stopped = run(['stop', '--dir', d.dir])
    assert.equal(stopped.status, 0, stopped.stderr)
  }
  for (const s of d.servers) assert.equal(alive(s.pid), false, `${s.name} (pid ${s.pid}) stopped`)
  assert.equal(existsSync(d.dir), false)
  const after = run(['status', '--dir', d.dir])
  assert.notEqual(after.status, 0)
  assert.match(after.stderr, /no cluster\.json/)
})
