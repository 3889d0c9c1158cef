// A journal that fails on a really full disk (a 1 MiB tmpfs; we run as root in
// CI) is logged as an error line with event "journal_failed", the line an
// operator's alerting keys on. When mounting is refused the test says so and
// checks nothing else (the engine's own full-disk tests cover the journal).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect } from '../../../gateway/client/index.js'
import { startServerProcess } from '../helpers/server-process.js'

test('journal failure on a full disk: one error line, event journal_failed', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-fulldisk-'))
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0
  if (!mounted) {
    rmSync(dir, { recursive: true, force: true })
    t.diagnostic('mount -t tmpfs refused (not root?): nothing checked here')
    assert.fail('this test needs to mount a tmpfs (root), as CI runs it')
  }
  const server = await startServerProcess({ dataDir: join(dir, 'data'), extraArgs: ['--segment-bytes', '64KiB'] })
  try {
    const c = await connect(server.wsUrl, { onError: () => {} })
    const payload = new Uint8Array(4096).fill(1)
    // 1.6 MB into a 1 MiB device. The answers to these publishes are not what this test
    // is about (the engine's failure path decides them): it waits for the log line only.
    for (let i = 0; i < 400; i++) c.publish(['fill'], payload).catch(() => {})
    const deadline = Date.now() + 20_000
    while (!server.output.some((l) => l.includes('"event":"journal_failed"')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    const line = server.output.find((l) => l.includes('"event":"journal_failed"'))
    assert.ok(line !== undefined, server.output.slice(-10).join('\n'))
    const rec = JSON.parse(line) as { level: string; err: string }
    assert.equal(rec.level, 'error')
    assert.match(rec.err, /ENOSPC|no space/i)
    void c.close().catch(() => {})
  } finally {
    await server.sigterm().catch(() => null)
    server.cleanup()
    spawnSync('umount', ['-l', dir])
    rmSync(dir, { recursive: true, force: true })
  }
})
