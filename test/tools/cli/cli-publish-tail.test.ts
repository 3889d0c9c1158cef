// `ordo publish` (arguments, stdin lines) and `ordo tail` (--from, --count,
// --json) against a server process started with `ordo start`.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { startServerProcess, type ServerProcess } from '../../gateway/helpers/server-process.js'

const cli = fileURLToPath(new URL('../../../tools/cli.js', import.meta.url))
let server: ServerProcess

before(async () => {
  server = await startServerProcess()
})

after(async () => {
  await server?.stop()
})

function ordo(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args, '--url', server.wsUrl], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const t = setTimeout(() => p.kill('SIGKILL'), 30_000)
    p.on('exit', (code) => {
      clearTimeout(t)
      resolve({ code, stdout, stderr })
    })
    p.stdin.end(input ?? '')
  })
}

test('publish from arguments and stdin, then tail from gsn 1 prints gsn, groups and payload', async () => {
  const one = await ordo(['publish', 'orders,audit', 'hello', 'world'])
  assert.equal(one.code, 0, one.stderr)
  assert.match(one.stdout, /^gsn=1$/m)
  const lines = await ordo(['publish', 'orders'], 'a\nb\nc\n')
  assert.equal(lines.code, 0, lines.stderr)
  assert.match(lines.stdout, /published 3 messages, gsn 2\.\.4/)
  const tail = await ordo(['tail', 'orders', '--from', '1', '--count', '4'])
  assert.equal(tail.code, 0, tail.stderr)
  const out = tail.stdout.trim().split('\n')
  assert.equal(out.length, 4)
  assert.match(out[0]!, /^gsn=1 groups=orders:1,(audit|#\d+):1 hello world$/)
  assert.equal(out[1], 'gsn=2 groups=orders:2 a')
  assert.equal(out[3], 'gsn=4 groups=orders:4 c')
  const json = await ordo(['tail', 'orders', '--from', '3', '--count', '1', '--json'])
  const rec = JSON.parse(json.stdout.trim()) as { gsn: number; groups: string[]; gseqs: number[]; payload: string }
  assert.deepEqual([rec.gsn, rec.groups, rec.gseqs, rec.payload], [3, ['orders'], [3], 'b'])
})

test('clear errors: no server, bad group name', async () => {
  const noServer = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const p = spawn(process.execPath, [cli, 'publish', 'orders', 'x', '--url', 'ws://127.0.0.1:1/'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    p.on('exit', (code) => resolve({ code, stderr }))
  })
  assert.equal(noServer.code, 1)
  assert.match(noServer.stderr, /cannot connect to ws:\/\/127\.0\.0\.1:1\//)
  const badName = await ordo(['publish', 'bad name!', 'x'])
  assert.equal(badName.code, 1)
  assert.match(badName.stderr, /BAD_GROUP_NAME/)
})
