// The comparison's WebSocket floor servers (the fan-out limit and the bare relay) under the Node
// binary of ORDO_TEST_SERVER_NODE (the test command runs this again under Node 22 and 24): they
// run on the transport the gateway picks there, so `npm run bench:compare` works on every runtime
// ordo supports. The fan-out server used to require a uWebSockets.js build and stopped the whole
// comparison on Node 22 and 24 with glibc < 2.38, where only the `ws` fallback runs.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { serverNode } from '../gateway/helpers/server-process.js'

const node = serverNode()
const script = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url))

function uwsLoads(): boolean {
  const r = spawnSync(node, [script('./procs/uws-loads.js')], { encoding: 'utf8', timeout: 60_000 })
  return (JSON.parse(r.stdout) as { loads: boolean }).loads && (process.env.ORDO_TRANSPORT ?? 'auto') !== 'ws'
}

/** Starts `node <file> <arg>`, returns its first {"ready"} or fails on {"error"}, exit or timeout; stops it by pid after `use`. */
async function withServer(file: string, arg: string, use: (ready: { port?: number; url?: string; transport: string }, command: (line: string) => void) => Promise<void>): Promise<void> {
  const child = spawn(node, [script(file), arg], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  try {
    const ready = await new Promise<{ port?: number; url?: string; transport: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file}: no "ready" in 20 s; stderr: ${stderr}`)), 20_000)
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = JSON.parse(line) as { ready?: { port?: number; url?: string; transport: string }; error?: string }
        if (m.ready !== undefined) {
          clearTimeout(timer)
          resolve(m.ready)
        } else if (m.error !== undefined) {
          clearTimeout(timer)
          reject(new Error(`${file}: ${m.error}`))
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${file} exited with code ${code}; stderr: ${stderr}`))
      })
    })
    await use(ready, (line) => void child.stdin.write(`${line}\n`))
  } finally {
    child.stdin.end()
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      const t = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(t)
    }
  }
}

const expected = (): RegExp => (uwsLoads() ? /^uWebSockets\.js/ : /^ws /)

test(`the fan-out limit server runs under ${node} on the gateway's transport and sends its frame on "go"`, async () => {
  await withServer('../../bench/compare/procs/uws-fanout-server.js', JSON.stringify({ perFrame: 10, messageBytes: 16 }), async (ready, command) => {
    assert.match(ready.transport, expected())
    const ws = new WebSocket(`ws://127.0.0.1:${ready.port}/`)
    await new Promise((r, j) => ws.once('open', r).once('error', j))
    const frame = new Promise<Buffer>((r) => ws.once('message', (d: Buffer) => r(d)))
    command('go')
    const f = await frame
    command('stop')
    // The pre-built frame: 10 messages of 16 bytes, the first u32 the message count.
    assert.equal(f.length, 160)
    assert.equal(f.readUInt32LE(0), 10)
    ws.close()
  })
})

test(`the bare relay runs under ${node} on the gateway's transport and relays /pub to /sub`, async () => {
  await withServer('../../bench/latency/relay-server.js', '{}', async (ready) => {
    assert.match(ready.transport, expected())
    const sub = new WebSocket(`${ready.url}/sub`)
    const pub = new WebSocket(`${ready.url}/pub`)
    await Promise.all([sub, pub].map((w) => new Promise((r, j) => w.once('open', r).once('error', j))))
    const got = new Promise<Buffer>((r) => sub.once('message', (d: Buffer) => r(d)))
    pub.send(Buffer.from([1, 2, 3, 4]))
    assert.deepEqual([...(await got)], [1, 2, 3, 4])
    sub.close()
    pub.close()
  })
})
