// `ordo cluster up` as a new user runs it: a local cluster in the foreground (3 nats-servers, 3 nodes);
// `ordo publish --url` with every node's URL publishes; kill -9 of the leader node, and the next publish
// is acknowledged by another node; `ordo tail` reads both messages; Ctrl-C (SIGINT) stops every process
// the command started, nats-servers included.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { ordo, ordoLive, waitFor } from '../../gateway/helpers/cli.js'
import { processAlive, readClusterState } from '../../../tools/nats/local-nats-cluster.js'

interface UpInfo {
  dir: string
  urls: string[]
  leader: string | null
  nodes: Array<{ name: string; url: string; pid: number }>
}

test('ordo cluster up: publish, kill -9 the leader, publish again, tail both; SIGINT stops everything', { timeout: 240_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordo-cluster-up-'))
  const up = ordoLive(['cluster', 'up', '--dir', dir, '--json', '--failover-timeout', '1s'])
  let natsPids: number[] = []
  try {
    await waitFor(() => up.out.stdout.includes('\n') || up.proc.exitCode !== null, 120_000, 'the cluster is up (its JSON line)')
    assert.equal(up.proc.exitCode, null, up.out.stderr)
    const info = JSON.parse(up.out.stdout.split('\n')[0]!) as UpInfo
    assert.equal(info.nodes.length, 3)
    assert.ok(info.leader !== null, 'a leader is named')
    natsPids = readClusterState(path.join(dir, 'nats')).servers.map((s) => s.pid)
    assert.equal(natsPids.length, 3)
    const url = info.urls.join(',')

    const first = await ordo(['publish', '--url', url, 'up.g', 'before the kill'], { timeoutMs: 30_000 })
    assert.equal(first.code, 0, first.stderr)
    const leader = info.nodes.find((n) => n.url === info.leader)!
    process.kill(leader.pid, 'SIGKILL')
    const second = await ordo(['publish', '--url', url, 'up.g', 'after the kill'], { timeoutMs: 60_000 })
    assert.equal(second.code, 0, second.stderr)

    const tail = await ordo(['tail', '--url', url, 'up.g', '--from', '1', '--count', '2'], { timeoutMs: 30_000 })
    assert.equal(tail.code, 0, tail.stderr)
    assert.match(tail.stdout, /before the kill/)
    assert.match(tail.stdout, /after the kill/)

    up.proc.kill('SIGINT')
    const r = await up.closed
    assert.equal(r.code, 0, r.stderr)
    for (const pid of [...natsPids, ...info.nodes.map((n) => n.pid)]) assert.equal(processAlive(pid), false, `pid ${pid} still runs`)
  } finally {
    if (up.proc.exitCode === null) {
      up.proc.kill('SIGINT')
      await Promise.race([up.closed, new Promise((r) => setTimeout(r, 20_000))])
      up.proc.kill('SIGKILL')
    }
    for (const pid of natsPids) if (processAlive(pid)) process.kill(pid, 'SIGKILL')
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
