// A pending Doorbell.awaitAsync holds the event loop open (Atomics.waitAsync alone does
// not: the process would exit mid-wait), for as long as any wait of the thread is pending,
// and no longer: once every wait settled, the process exits by itself.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

test('waits that time out or are rung keep the process alive until they settle, then let it exit', () => {
  const script = fileURLToPath(new URL('./procs/wait-async-alone.js', import.meta.url))
  const t0 = Date.now()
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 15_000 })
  const ms = Date.now() - t0
  assert.equal(r.status, 0, `exit status ${r.status}, signal ${r.signal}, stderr: ${r.stderr}`)
  assert.equal(r.stdout, 'first false\nsecond false\nrung true\n')
  // 400 ms of waits + 200 ms until the worker rings, plus start-up; a timer left holding
  // the loop would keep it for 24 days (the spawn timeout kills it at 15 s).
  assert.ok(ms < 10_000, `took ${ms} ms`)
})
