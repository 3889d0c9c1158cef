#!/usr/bin/env node
// Regenerates codec/ordo_generated.ts from codec/ordo.fbs with flatc (Debian
// flatbuffers-compiler 2.0.8: other versions generate different code).
//   node tools/codegen.mjs          rewrite codec/ordo_generated.ts
//   node tools/codegen.mjs --check  exit 1 if it differs from what flatc generates
// Plain JS so it runs without a build.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const schema = join(root, 'codec', 'ordo.fbs')
const target = join(root, 'codec', 'ordo_generated.ts')
const EXPECTED_VERSION = '2.0.8'
const check = process.argv.includes('--check')

const version = spawnSync('flatc', ['--version'], { encoding: 'utf8' })
if (version.error) {
  console.error('flatc not found: install Debian package flatbuffers-compiler (apt-get install -y flatbuffers-compiler)')
  process.exit(2)
}
if (!version.stdout.includes(EXPECTED_VERSION)) {
  console.error(`warning: ${version.stdout.trim()} is not flatc ${EXPECTED_VERSION}; the output may differ from the committed file`)
}

const out = mkdtempSync(join(tmpdir(), 'ordo-codegen-'))
try {
  const r = spawnSync('flatc', ['--ts', '--gen-mutable', '--ts-flat-files', '-o', out, schema], { encoding: 'utf8' })
  if (r.status !== 0) {
    console.error(`flatc failed: status=${r.status}\n${r.stderr}`)
    process.exit(2)
  }
  const generated = readFileSync(join(out, 'ordo_generated.ts'))
  if (check) {
    const current = readFileSync(target)
    if (!generated.equals(current)) {
      console.error('codec/ordo_generated.ts differs from what flatc generates from codec/ordo.fbs: run `node tools/codegen.mjs`')
      process.exit(1)
    }
    console.log('codec/ordo_generated.ts is up to date')
  } else {
    writeFileSync(target, generated)
    console.log(`wrote ${target} (${generated.length} bytes)`)
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
