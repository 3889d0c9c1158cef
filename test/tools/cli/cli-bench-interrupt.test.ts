// `ordo bench` interrupted with SIGINT (Ctrl-C) stops its server and load
// generator and leaves no data directory behind in the temp directory.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ordoLive, waitFor } from '../../gateway/helpers/cli.js'

function processesMentioning(text: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name))
    } catch {
      /* gone */
    }
  }
  return pids
}

test('SIGINT during ordo bench: servers stopped, temporary data removed, exit 130', { timeout: 120_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ordo-bench-int-'))
  try {
    const live = ordoLive(['bench', '--only', 'fsync', '--runs', '1', '--seconds', '30'], { ...process.env, TMPDIR: tmp })
    await waitFor(() => /run 1\/1/.test(live.out.stderr), 60_000, 'the first run to start')
    const dirs = readdirSync(tmp).filter((n) => n.startsWith('ordo-bench-'))
    assert.equal(dirs.length, 1, `the server's data directory exists: ${dirs.join(',')}`)
    assert.ok(processesMentioning(join(tmp, dirs[0]!)).length > 0, 'its server runs')
    await new Promise((r) => setTimeout(r, 1000))
    live.proc.kill('SIGINT')
    const r = await live.closed
    assert.equal(r.code, 130, r.stderr.slice(-2000))
    assert.match(r.stderr, /SIGINT: stopping the load generators and servers, removing their data/)
    assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('ordo-bench-')), [], 'no data directory left')
    assert.deepEqual(processesMentioning(join(tmp, dirs[0]!)), [], 'no server left running')
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})
