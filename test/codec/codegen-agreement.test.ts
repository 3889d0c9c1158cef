// codec/ordo_generated.ts is exactly what flatc 2.0.8 generates from
// codec/ordo.fbs, so nobody edits generated code by hand or forgets to
// regenerate after a schema change (fix: node tools/codegen.mjs).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

const root = new URL('../../../', import.meta.url).pathname

test('flatc output equals codec/ordo_generated.ts byte for byte', () => {
  const out = mkdtempSync(join(tmpdir(), 'ordo-codegen-test-'))
  try {
    const r = spawnSync('flatc', ['--ts', '--gen-mutable', '--ts-flat-files', '-o', out, join(root, 'codec', 'ordo.fbs')], { encoding: 'utf8' })
    if (r.error) assert.fail('flatc not found: install Debian package flatbuffers-compiler (apt-get install -y flatbuffers-compiler)')
    assert.equal(r.status, 0, `flatc failed: ${r.stderr}`)
    const generated = readFileSync(join(out, 'ordo_generated.ts'))
    const committed = readFileSync(join(root, 'codec', 'ordo_generated.ts'))
    assert.ok(generated.equals(committed), 'codec/ordo_generated.ts differs from flatc output: run `node tools/codegen.mjs`')
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})

test('tools/codegen.mjs --check agrees', () => {
  const r = spawnSync(process.execPath, [join(root, 'tools', 'codegen.mjs'), '--check'], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /up to date/)
})
