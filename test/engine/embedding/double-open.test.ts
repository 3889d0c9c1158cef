// Two Engine.open on one data directory in one process: the second must be refused at
// once with a named error naming the directory and who holds it, must leave nothing
// running, and the process must end by itself after the first engine closes.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeEnd, runChild } from './procs/run-child.js'

test('a second Engine.open on the same directory is refused with ENGINE_LOCKED and nothing stays running', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-double-open-'))
  try {
    const end = await runChild('double-open', [dir], 30_000)
    const why = describeEnd(end)
    assert.equal(end.timedOut, false, `the process did not end by itself: ${why}`)
    assert.equal(end.code, 0, why)
    const m = /second open: refused name=(\S+) code=(\S+) message=(.*)/.exec(end.stdout)
    assert.ok(m !== null, `the second open was not refused: ${why}`)
    assert.equal(m[2], 'ENGINE_LOCKED', why)
    assert.ok(m[3]!.includes(`dir=${dir}`), `the message must name the directory: ${m[3]}`)
    assert.match(m[3]!, new RegExp(`holder=.*pid=${end.pid ?? '\\d+'}`), 'the message must name the holder')
    assert.match(end.stdout, /first publish after: gsn=2/)
    assert.match(end.stdout, /closed/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
