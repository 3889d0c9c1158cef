// A stream with the log's name that ordo did not create for this cluster is refused, and left exactly as it
// was (config, messages, last sequence). So is an ordo stream whose settings could drop entries, and a stream
// of another name that already captures the log's subjects.

import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { jetstream, jetstreamManager, RetentionPolicy, StorageType, type StreamInfo } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { ClusterError, ClusterErrorCode, clusterNames, openLog } from '../../../engine/cluster/index.js'
import { type LocalNatsCluster, startTestNats, uniqueClusterName } from './helpers.js'

let nats: LocalNatsCluster
let nc: NatsConnection
before(async () => {
  nats = await startTestNats()
  nc = await connect({ servers: nats.urls })
})
after(async () => {
  await nc.close()
  await nats.stop()
})

function snapshot(i: StreamInfo): string {
  return JSON.stringify({ config: i.config, messages: i.state.messages, last: i.state.last_seq, first: i.state.first_seq })
}

async function refusal(cluster: string, code: string): Promise<ClusterError> {
  const err = await openLog({ urls: nats.urls, cluster }).then(
    async (log) => {
      await log.close()
      return undefined
    },
    (e: unknown) => e,
  )
  assert.ok(err instanceof ClusterError, `expected a ClusterError, got ${String(err)}`)
  assert.equal(err.code, code, err.message)
  return err
}

test('a stream with the same name created by something else is refused untouched', async () => {
  const cluster = uniqueClusterName('foreign')
  const names = clusterNames(cluster)
  const jsm = await jetstreamManager(nc, { timeout: 20_000 })
  await jsm.streams.add({ name: names.logStream, subjects: [`other.${cluster}.>`], num_replicas: 3, storage: StorageType.File })
  const js = jetstream(nc)
  for (let i = 0; i < 5; i++) await js.publish(`other.${cluster}.x`, new TextEncoder().encode(`m${i}`))
  const before = snapshot(await jsm.streams.info(names.logStream))

  const err = await refusal(cluster, ClusterErrorCode.foreignStream)
  assert.match(err.message, new RegExp(`stream ${names.logStream} exists but was not created by ordo`))
  assert.match(err.message, /no ordo metadata/)
  assert.equal(snapshot(await jsm.streams.info(names.logStream)), before, 'the stream is exactly as it was')
})

test("a stream marked as another cluster's log is refused untouched", async () => {
  const cluster = uniqueClusterName('other')
  const names = clusterNames(cluster)
  const jsm = await jetstreamManager(nc, { timeout: 20_000 })
  await jsm.streams.add({
    name: names.logStream,
    subjects: [names.logSubject, names.epochSubject],
    num_replicas: 3,
    metadata: { 'ordo.kind': 'log', 'ordo.cluster': 'someone-else', 'ordo.format': '1' },
  })
  const before = snapshot(await jsm.streams.info(names.logStream))
  const err = await refusal(cluster, ClusterErrorCode.foreignStream)
  assert.match(err.message, /cluster=someone-else/)
  assert.equal(snapshot(await jsm.streams.info(names.logStream)), before)
})

test('an ordo log stream with a limit that would discard entries is refused untouched', async () => {
  const cluster = uniqueClusterName('limits')
  const names = clusterNames(cluster)
  const jsm = await jetstreamManager(nc, { timeout: 20_000 })
  await jsm.streams.add({
    name: names.logStream,
    subjects: [names.logSubject, names.epochSubject],
    num_replicas: 3,
    retention: RetentionPolicy.Limits,
    max_msgs: 1000,
    duplicate_window: 120_000_000_000,
    deny_delete: true,
    metadata: { 'ordo.kind': 'log', 'ordo.cluster': cluster, 'ordo.format': '1' },
  })
  const before = snapshot(await jsm.streams.info(names.logStream))
  const err = await refusal(cluster, ClusterErrorCode.streamMismatch)
  assert.match(err.message, /max_msgs=1000/)
  assert.equal(snapshot(await jsm.streams.info(names.logStream)), before)
})

test("another stream already capturing the log's subjects is refused, and no stream is created", async () => {
  const cluster = uniqueClusterName('overlap')
  const names = clusterNames(cluster)
  const jsm = await jetstreamManager(nc, { timeout: 20_000 })
  const squatter = `SQUAT_${cluster.replace(/-/g, '_')}`
  await jsm.streams.add({ name: squatter, subjects: [`ordo.${cluster}.>`], num_replicas: 3 })
  const before = snapshot(await jsm.streams.info(squatter))
  const err = await refusal(cluster, ClusterErrorCode.foreignStream)
  assert.match(err.message, /another stream already captures its subjects/)
  assert.equal(snapshot(await jsm.streams.info(squatter)), before)
  await assert.rejects(jsm.streams.info(names.logStream), /stream not found/)
})
