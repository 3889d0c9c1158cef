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

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} to the npm process stops the server gracefully and frees the port`, { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ordo-npm-start-'))
    const port = await freePort()
    const npm = spawn('npm', ['start', '--silent', '--', '--port', String(port), '--data', join(dir, 'data')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()))
    npm.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const closed = new Promise<number | null>((resolve) => npm.on('close', (code) => resolve(code)))
    try {
      await waitFor(() => out.includes('"msg":"ready"'), 150_000, `the server started by npm to be ready; output: ${out.slice(-2000)}`)
      assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
      npm.kill(signal)
      const code = await Promise.race([closed, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))])
      assert.notEqual(code, 'timeout', `npm did not exit after ${signal}: ${out.slice(-2000)}`)
      assert.match(out, /"msg":"stopped; durable_gsn=0"/, `graceful stop logged: ${out.slice(-2000)}`)
      assert.match(out, new RegExp(`"signal":"${signal}"`))
      assert.equal(await portFree(port), true, 'the port is free again')
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL')
      // A server left orphaned by a broken start script must not outlive the test.
      for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })
}

test('Ctrl-C in a terminal (SIGINT to the process group: the server gets it from the terminal and from npm) stops it cleanly', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-npm-start-'))
  const port = await freePort()
  // detached: npm leads a process group of its own, as a shell's foreground job does.
  const npm = spawn('npm', ['start', '--silent', '--', '--port', String(port), '--data', join(dir, 'data')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  npm.stdout.on('data', (d: Buffer) => (out += d.toString()))
  npm.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const closed = new Promise<number | null>((resolve) => npm.on('close', (code) => resolve(code)))
  try {
    await waitFor(() => out.includes('"msg":"ready"'), 150_000, `the server started by npm to be ready; output: ${out.slice(-2000)}`)
    process.kill(-npm.pid!, 'SIGINT')
    const code = await Promise.race([closed, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))])
    assert.notEqual(code, 'timeout', `npm did not exit after Ctrl-C: ${out.slice(-2000)}`)
    assert.doesNotMatch(out, /exiting without a clean shutdown/, `one Ctrl-C is one clean shutdown: ${out.slice(-2000)}`)
    assert.match(out, /"msg":"stopped; durable_gsn=0"/, `graceful stop logged: ${out.slice(-2000)}`)
    assert.equal(await portFree(port), true, 'the port is free again')
  } finally {
    if (npm.exitCode === null) process.kill(-npm.pid!, 'SIGKILL')
    for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})
