// `npm start` runs the server so that the signals service managers send reach
// it (Docker, systemd and PM2 stop a service with SIGTERM to the process they
// started, here npm): SIGTERM or SIGINT to the npm process stops the server
// gracefully (its "stopped" line, exit 0) and frees the port at once. Ctrl-C in
// a terminal sends SIGINT to the whole foreground process group, so the server
// gets it twice (from the terminal, and forwarded by npm): that is still one
// request for a clean shutdown, not the "again: exit now" of a second Ctrl-C.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../gateway/helpers/cli.js'
import { freePort } from '../../gateway/helpers/server-process.js'

const root = fileURLToPath(new URL('../../../..', import.meta.url))

function processesMentioning(text: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name))
    } catch {
      /* gone */
    }
  }
  return pids
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/** `npm start` on a free port with its data in a temp dir, output collected; `detached`: npm leads its own process group. */
async function startNpm(detached: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-npm-start-'))
  const port = await freePort()
  const npm = spawn('npm', ['start', '--silent', '--', '--port', String(port), '--data', join(dir, 'data')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached })
  const run = { dir, port, npm, out: '' }
  npm.stdout.on('data', (d: Buffer) => (run.out += d.toString()))
  npm.stderr.on('data', (d: Buffer) => (run.out += d.toString()))
  const closed = new Promise<number | null>((resolve) => npm.on('close', (code) => resolve(code)))
  /** npm's exit code, or 'timeout' after 20 s. */
  const exited = (): Promise<number | null | 'timeout'> => Promise.race([closed, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))])
  try {
    await waitFor(() => run.out.includes('"msg":"ready"'), 150_000, `the server started by npm to be ready; output: ${run.out.slice(-2000)}`)
  } catch (err) {
    stopAll(npm, dir, detached)
    throw err
  }
  return Object.assign(run, { exited })
}

/** Kills npm (its group when it leads one) and whatever still runs with the test's dir, then removes the dir. */
function stopAll(npm: ReturnType<typeof spawn>, dir: string, group: boolean): void {
  if (npm.exitCode === null) process.kill(group ? -npm.pid! : npm.pid!, 'SIGKILL')
  // A server left orphaned by a broken start script must not outlive the test.
  for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL')
  rmSync(dir, { recursive: true, force: true })
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the npm process stops the server gracefully and frees the port`, { timeout: 180_000 }, async () => {
    const run = await startNpm(false)
    const { dir, port, npm } = run
    try {
      assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
      npm.kill(signal)
      const code = await run.exited()
      assert.notEqual(code, 'timeout', `npm did not exit after ${signal}: ${run.out.slice(-2000)}`)
      assert.match(run.out, /"msg":"stopped; durable_gsn=0"/, `graceful stop logged: ${run.out.slice(-2000)}`)
      assert.match(run.out, new RegExp(`"signal":"${signal}"`))
      assert.equal(await portFree(port), true, 'the port is free again')
    } finally {
      stopAll(npm, dir, false)
    }
  })
}

test('Ctrl-C in a terminal (SIGINT to the process group: the server gets it from the terminal and from npm) stops it cleanly', { timeout: 180_000 }, async () => {
  // detached: npm leads a process group of its own, as a shell's foreground job does.
  const run = await startNpm(true)
  const { dir, port, npm } = run
  try {
    process.kill(-npm.pid!, 'SIGINT')
    const code = await run.exited()
    assert.notEqual(code, 'timeout', `npm did not exit after Ctrl-C: ${run.out.slice(-2000)}`)
    assert.doesNotMatch(run.out, /exiting without a clean shutdown/, `one Ctrl-C is one clean shutdown: ${run.out.slice(-2000)}`)
    assert.match(run.out, /"msg":"stopped; durable_gsn=0"/, `graceful stop logged: ${run.out.slice(-2000)}`)
    assert.equal(await portFree(port), true, 'the port is free again')
  } finally {
    stopAll(npm, dir, true)
  }
})
