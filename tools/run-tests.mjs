#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node:test.
// Usage: node tools/run-tests.mjs [substring ...]   (filters files by path)
// Files run one at a time: stress and crash tests start worker threads and
// child processes of their own and this machine has two cores.
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { spawnSync } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
const testDir = join(root, 'dist', 'test')
const filters = process.argv.slice(2)

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}

let files
try {
  files = walk(testDir, [])
} catch (err) {
  console.error(`no compiled tests under ${testDir}: run "npm run build" first (${err.message})`)
  process.exit(2)
}
if (filters.length > 0) files = files.filter((f) => filters.some((s) => relative(root, f).includes(s)))
if (files.length === 0) {
  console.error('no test files matched')
  process.exit(2)
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  cwd: root,
})
process.exit(r.status ?? 1)
