// A group id is the cluster's only once the log entry naming it is committed: until then the leader
// could be deposed and the next leader give the id to another name. So the leader answers a
// ResolveGroups only when every id in the answer is committed, holding the connection's later frames
// behind it (answers stay in order). Real nats-servers: two of three are frozen (SIGSTOP) so nothing
// commits; the answer for a new group waits, and comes, with the committed id, once they resume.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { ClusterNode } from '../../../../engine/cluster/node/cluster-node.js'
import { GatewayServer } from '../../../../gateway/server.js'
import { mintToken } from '../../../../gateway/auth/token.js'
import { RawClient } from '../../../gateway/helpers/raw-client.js'
import { type LocalNatsCluster, startTestNats, uniqueClusterName } from '../helpers.js'
import { tempDataDir, waitFor } from './node-helpers.js'

const SECRET = 'group-commit-secret'
let nats: LocalNatsCluster
before(async () => {
  nats = await startTestNats()
})
after(async () => {
  await nats.stop()
})

test('a new group is answered only once its log entry is committed; later answers keep their order', async () => {
  const cluster = uniqueClusterName('gcommit')
  const dir = tempDataDir('gcommit')
  let node: ClusterNode | null = null
  let server: GatewayServer | null = null
  let c: RawClient | null = null
  let frozen = false
  try {
    node = await ClusterNode.start({ natsUrls: [nats.urls[0]!], cluster, node: 'a', url: 'ws://127.0.0.1:1/a', dataDir: dir, failoverTimeoutMs: 800 })
    await waitFor('the node leads', () => node!.role === 'leader')
    server = await GatewayServer.start(node.engine.port, { port: 0, secret: SECRET })
    const token = mintToken(SECRET, { publish: ['>'], subscribe: ['>'] })
    c = (await RawClient.hello(server.url, token)).client
    c.sendFrame({ type: 'ResolveGroups', names: ['before.freeze'], create: true })
    const first = await c.next('Groups')
    assert.equal(first.ids[0], 1)

    await nats.kill(1, 'SIGSTOP')
    await nats.kill(2, 'SIGSTOP')
    frozen = true
    c.sendFrame({ type: 'ResolveGroups', names: ['during.freeze'], create: true })
    c.sendFrame({ type: 'ResolveGroups', names: ['before.freeze'], create: false })
    // Nothing can commit now: no answer, not even the later one for a committed group.
    await assert.rejects(c.next('Groups', () => true, 2000), /timeout waiting for Groups/)

    await nats.kill(1, 'SIGCONT')
    await nats.kill(2, 'SIGCONT')
    frozen = false
    const second = await c.next('Groups', () => true, 30_000)
    assert.deepEqual(second.names, ['during.freeze'])
    assert.equal(second.ids[0], 2)
    const third = await c.next('Groups', () => true, 5000)
    assert.deepEqual(third.names, ['before.freeze'])
    assert.equal(third.ids[0], 1)
    assert.equal(node.role, 'leader')
  } finally {
    if (frozen) {
      await nats.kill(1, 'SIGCONT').catch(() => {})
      await nats.kill(2, 'SIGCONT').catch(() => {})
    }
    c?.terminate()
    server?.closeNow()
    await node?.close().catch(() => {})
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
