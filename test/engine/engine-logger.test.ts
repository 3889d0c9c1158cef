// The embedding API's optional logger: the engine reports its open and the
// journal's recovery report to it (and nothing to stdout when there is none).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Engine, type Logger } from '../../engine/index.js'

test('a logger passed to Engine.open gets the open and recovery events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-engine-log-'))
  const lines: { level: string; fields: Record<string, unknown>; message?: string }[] = []
  const rec = (level: string) => (fields: object, message?: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message })
  const logger: Logger = { error: rec('error'), warn: rec('warn'), info: rec('info'), debug: rec('debug') }
  try {
    const a = await Engine.open({ dataDir: dir, logger })
    await a.publish(['g'], 'x')
    await a.close()
    lines.length = 0
    const b = await Engine.open({ dataDir: dir, logger })
    await b.close()
    const open = lines.find((l) => l.fields.event === 'engine_open')
    assert.ok(open !== undefined && open.level === 'info' && open.fields.durableGsn === 1)
    const rec2 = lines.find((l) => l.fields.event === 'journal_recovered')
    assert.ok(rec2 !== undefined, 'recovery report logged')
    assert.equal((rec2.fields.recovery as { lastGsn: number }).lastGsn, 1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('without a logger the engine writes nothing to stdout or stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-engine-silent-'))
  const engineIndex = fileURLToPath(new URL('../../engine/index.js', import.meta.url))
  const script = `const { Engine } = await import(${JSON.stringify(engineIndex)}); const e = await Engine.open({ dataDir: ${JSON.stringify(join(dir, 'data'))} }); await e.publish(['g'], 'x'); await e.close()`
  try {
    // A file, not -e: worker threads inherit execArgv, and --input-type would break them.
    const file = join(dir, 'embed.mjs')
    writeFileSync(file, script)
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 })
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
