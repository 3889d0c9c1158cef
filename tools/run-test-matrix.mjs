#!/usr/bin/env node
// The runs of the suite that `npm test` adds after the main one (which runs
// everything under this Node with the transport it picks):
//   1. test/gateway again on the ws fallback (ORDO_TRANSPORT=ws), about a minute;
//   2. for Node 22 and 24 (tools/node-runtimes.sh fetches them): servers under
//      that Node (ORDO_TEST_SERVER_NODE), clients too where a test starts them
//      with it: test/runtime and the gateway's ordering test, under a minute each.
// Usage: node tools/run-test-matrix.mjs [ws|22|24 ...]   (default: all)
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const only = new Set(process.argv.slice(2))
const runs = [
  { name: 'ws', title: 'gateway tests on the ws transport', env: { ORDO_TRANSPORT: 'ws' }, files: ['test/gateway/'] },
  { name: '22', title: 'server under Node 22', node: '22', files: ['test/runtime/', 'test/gateway/e2e-order'] },
  { name: '24', title: 'server under Node 24', node: '24', files: ['test/runtime/', 'test/gateway/e2e-order'] },
].filter((r) => only.size === 0 || only.has(r.name))

function runtimePath(major) {
  const r = spawnSync('bash', [join(root, 'tools', 'node-runtimes.sh'), '--path', major], { encoding: 'utf8' })
  const path = r.stdout.trim()
  if (r.status !== 0 || !existsSync(path)) {
    console.error(`test-matrix: Node ${major} is not in .runtimes/: run bash tools/node-runtimes.sh first (npm test does)`)
    return null
  }
  return path
}

const results = []
for (const run of runs) {
  const env = { ...process.env, ...(run.env ?? {}) }
  if (run.node !== undefined) {
    const path = runtimePath(run.node)
    if (path === null) {
      results.push({ run, status: 1, seconds: 0 })
      continue
    }
    env.ORDO_TEST_SERVER_NODE = path
  }
  console.log(`\ntest-matrix: ${run.title}: ${run.files.join(' ')}`)
  const t0 = Date.now()
  const r = spawnSync(process.execPath, [join(root, 'tools', 'run-tests.mjs'), ...run.files], { stdio: 'inherit', cwd: root, env })
  results.push({ run, status: r.status ?? 1, seconds: (Date.now() - t0) / 1000 })
}
console.log('\ntest-matrix summary:')
for (const { run, status, seconds } of results) console.log(`  ${status === 0 ? 'ok  ' : 'FAIL'} ${run.title} (${seconds.toFixed(0)} s)`)
process.exit(results.every((r) => r.status === 0) ? 0 : 1)
