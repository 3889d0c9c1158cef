// `ordo start --cluster` with bad input, as a user runs it: a malformed or unreachable NATS URL,
// a nats-server older than 2.10, a stream of the log's name made by something else, a node name
// another running node holds, a missing --node, a data directory holding a single node's journal. Each exits non-zero at once with an error saying
// what is wrong, and writes nothing: no journal, no data directory, nothing in the foreign stream.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { connect } from '@nats-io/transport-node'
import { jetstreamManager, StorageType } from '@nats-io/jetstream'
import { freePort } from '../../../../tools/nats/local-nats-cluster.js'
import { debianNatsServer } from '../../../../tools/nats/nats-binary.js'
import { clusterNames } from '../../../../engine/cluster/index.js'
import { type LocalNatsCluster, startTestNats, uniqueClusterName } from '../helpers.js'
import { journalRecords, tempDataDir, waitFor } from './node-helpers.js'
import { Engine } from '../../../../engine/engine.js'

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'tools', 'cli.js')
let nats: LocalNatsCluster
const children: ChildProcess[] = []
const dirs: string[] = []

before(async () => {
  nats = await startTestNats()
})
after(async () => {
  for (const c of children) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise((r) => c.once('exit', r))
      process.kill(c.pid, 'SIGKILL')
      await exited
    }
  }
  await nats.stop()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

async function startArgs(cluster: string, node: string, natsUrls: string): Promise<{ args: string[]; dataDir: string }> {
  const base = tempDataDir('err')
  dirs.push(base)
  const dataDir = path.join(base, 'data') // not created: a refused start must not create it
  const port = await freePort()
  return { args: [CLI, 'start', '--cluster', natsUrls, '--node', node, '--cluster-name', cluster, '--port', String(port), '--data', dataDir, '--log-format', 'json'], dataDir }
}

function runRefused(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stderr: r.stderr }
}

test('a malformed, an unreachable NATS URL and a missing --node: clear errors, nothing written', async () => {
  const a = await startArgs(uniqueClusterName('e'), 'a', 'http://127.0.0.1:4222')
  const r1 = runRefused(a.args)
  assert.notEqual(r1.status, 0)
  assert.match(r1.stderr, /scheme http:\/\/ is not supported.*nats:\/\/host:port/)
  assert.equal(fs.existsSync(a.dataDir), false)

  const closed = await freePort()
  const b = await startArgs(uniqueClusterName('e'), 'a', `nats://127.0.0.1:${closed}`)
  const r2 = runRefused(b.args)
  assert.notEqual(r2.status, 0)
  assert.match(r2.stderr, new RegExp(`127\\.0\\.0\\.1:${closed}`))
  assert.equal(fs.existsSync(b.dataDir), false)

  const c = await startArgs(uniqueClusterName('e'), 'a', nats.urls.join(','))
  const r3 = runRefused(c.args.filter((x, i, all) => x !== '--node' && all[i - 1] !== '--node'))
  assert.notEqual(r3.status, 0)
  assert.match(r3.stderr, /--cluster needs --node NAME/)
})

test('a nats-server older than 2.10: refused naming its version, nothing written', async () => {
  const old = debianNatsServer()
  assert.ok(old !== undefined, "Debian's nats-server (2.9.10) is missing: run bash tools/test-prereqs.sh")
  const port = await freePort()
  const store = tempDataDir('old-nats')
  dirs.push(store)
  const child = spawn(old, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' })
  children.push(child)
  await waitFor('the old server listens', () => spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]).status === 0, 10_000)
  const a = await startArgs(uniqueClusterName('e'), 'a', `nats://127.0.0.1:${port}`)
  const r = runRefused(a.args)
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /2\.9\.\d+/)
  assert.match(r.stderr, /2\.10/)
  assert.equal(fs.existsSync(a.dataDir), false)
})

test('a stream of the log\'s name made by something else: CLUSTER_FOREIGN_STREAM, nothing written to it', async () => {
  const cluster = uniqueClusterName('foreign')
  const names = clusterNames(cluster)
  const nc = await connect({ servers: nats.urls })
  try {
    const jsm = await jetstreamManager(nc, { timeout: 20_000 })
    await jsm.streams.add({ name: names.logStream, subjects: [`theirs.${cluster}.>`], num_replicas: 3, storage: StorageType.File })
    const a = await startArgs(cluster, 'a', nats.urls.join(','))
    const r = runRefused(a.args)
    assert.notEqual(r.status, 0)
    assert.match(r.stderr, /was not created by ordo .*ordo will not write to it/)
    assert.equal(fs.existsSync(a.dataDir), false)
    const info = await jsm.streams.info(names.logStream)
    assert.equal(info.state.messages, 0)
  } finally {
    await nc.close()
  }
})

test('two nodes with the same name: the second is refused naming the first, and writes no journal', async () => {
  const cluster = uniqueClusterName('dup')
  const first = await startArgs(cluster, 'same', nats.urls.join(','))
  const child = spawn(process.execPath, first.args, { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  await waitFor('the first node is ready', () => out.includes('"msg":"ready"'), 60_000)
  const second = await startArgs(cluster, 'same', nats.urls.join(','))
  const r = runRefused(second.args)
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /node name same is held by another running ordo node/)
  assert.match(r.stderr, new RegExp(`pid=${child.pid}`))
  assert.equal(fs.existsSync(path.join(second.dataDir, 'journal')), false)
})

test('a data directory holding a single node\'s journal is refused, and its journal is left as it was', async () => {
  const a = await startArgs(uniqueClusterName('standalone'), 'a', nats.urls.join(','))
  const engine = await Engine.open({ dataDir: a.dataDir, durability: 'fsync' })
  await engine.publish(['g'], 'kept')
  await engine.close()
  const before = journalRecords(a.dataDir)
  assert.equal(before.length, 1)
  const r = runRefused(a.args)
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /holds the journal of a single \(non-cluster\) node/)
  assert.deepEqual(journalRecords(a.dataDir).map((x) => x.bytes.toString('hex')), before.map((x) => x.bytes.toString('hex')))
  assert.equal(fs.existsSync(path.join(a.dataDir, 'cluster')), false)
})
