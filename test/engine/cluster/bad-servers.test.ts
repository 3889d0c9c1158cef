// Wrong or unreachable URLs, something that is not a NATS server, a nats-server without JetStream, and one
// older than 2.10 (Debian's 2.9.10) are all refused before anything is written, quickly, with an error that
// names the URL and says what to do.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ClusterConnectError, ClusterErrorCode, openLog } from '../../../engine/cluster/index.js'
import { freePort } from '../../../tools/nats/local-nats-cluster.js'
import { debianNatsServer, natsServerBinary } from '../../../tools/nats/nats-binary.js'
import { sleep, uniqueClusterName } from './helpers.js'

const children: ChildProcess[] = []
const storeDir = mkdtempSync(path.join(tmpdir(), 'ordo-bad-servers-'))
let silent: Server
let silentPort = 0

async function startSingle(binary: string, args: string[]): Promise<number> {
  const port = await freePort()
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), ...args], { stdio: 'ignore' })
  children.push(child)
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer()
      s.once('error', () => resolve(true)) // port taken: the server is listening
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)))
    })
    if (ok) return port
    await sleep(50)
  }
  throw new Error(`${binary} did not listen on ${port}`)
}

before(async () => {
  // A TCP server that accepts and says nothing (an HTTP port, a firewall that accepts).
  silent = createServer((sock) => sock.on('error', () => undefined))
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
  const a = silent.address()
  silentPort = typeof a === 'object' && a !== null ? a.port : 0
})
after(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
      const exited = new Promise((r) => c.once('exit', r))
      process.kill(c.pid, 'SIGKILL')
      await exited
    }
  }
  await new Promise<void>((r) => silent.close(() => r()))
  rmSync(storeDir, { recursive: true, force: true })
})

async function refused(urls: string[], timeoutMs = 1000): Promise<{ err: ClusterConnectError; ms: number }> {
  const t0 = performance.now()
  const err = await openLog({ urls, cluster: uniqueClusterName('bad'), connectTimeoutMs: timeoutMs }).then(
    async (log) => {
      await log.close()
      return undefined
    },
    (e: unknown) => e,
  )
  const ms = performance.now() - t0
  assert.ok(err instanceof ClusterConnectError, `expected ClusterConnectError, got ${String(err)}`)
  return { err, ms }
}

test('malformed URLs are refused without touching the network', async () => {
  for (const [url, why] of [
    ['http://127.0.0.1:4222', /scheme http:\/\/ is not supported/],
    ['ws://127.0.0.1:4222', /scheme ws:\/\/ is not supported/],
    ['nats://user:pw@127.0.0.1:4222', /credentials/],
    ['nats://127.0.0.1:4222/path', /no path/],
    ['nats://127.0.0.1:99999', /not a URL/],
    ['', /empty/],
  ] as const) {
    const { err, ms } = await refused([url])
    assert.equal(err.code, ClusterErrorCode.badUrl, `${url}: ${err.message}`)
    assert.match(err.message, why)
    assert.ok(ms < 500, `${url} took ${ms} ms`)
  }
  const { err } = await refused([])
  assert.equal(err.code, ClusterErrorCode.badUrl)
})

test('a closed port and a silent port are refused within the timeout, naming each URL', async () => {
  const closedPort = await freePort()
  const urls = [`nats://127.0.0.1:${closedPort}`, `nats://127.0.0.1:${silentPort}`]
  const { err, ms } = await refused(urls, 1000)
  assert.equal(err.code, ClusterErrorCode.unreachable, err.message)
  assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${closedPort} \\(ECONNREFUSED`))
  assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${silentPort} \\(no NATS greeting within 1000 ms`))
  assert.equal(err.problems.length, 2)
  assert.ok(ms < 3000, `took ${ms} ms with a 1000 ms timeout`)
})

test('a nats-server without JetStream is refused', async () => {
  const port = await startSingle(natsServerBinary(), [])
  const { err } = await refused([`nats://127.0.0.1:${port}`], 3000)
  assert.equal(err.code, ClusterErrorCode.noJetStream, err.message)
  assert.match(err.message, /JetStream is not enabled on: nats:\/\/127\.0\.0\.1:\d+/)
})

test('a nats-server older than 2.10 is refused, naming its version, even next to a good one', async () => {
  const old = debianNatsServer()
  assert.ok(old !== undefined, "Debian's nats-server (2.9.10) is missing: run bash tools/test-prereqs.sh")
  const oldPort = await startSingle(old, ['-js', '-sd', path.join(storeDir, 'old')])
  const goodPort = await startSingle(natsServerBinary(), ['-js', '-sd', path.join(storeDir, 'new')])
  const { err } = await refused([`nats://127.0.0.1:${goodPort}`, `nats://127.0.0.1:${oldPort}`], 3000)
  assert.equal(err.code, ClusterErrorCode.serverTooOld, err.message)
  assert.match(err.message, new RegExp(`nats://127\\.0\\.0\\.1:${oldPort} runs nats-server 2\\.9\\.10`))
  assert.match(err.message, /needs 2\.10\.0 or newer/)
  assert.deepEqual(err.problems.map((p) => p.url), [`nats://127.0.0.1:${oldPort}`])
})
