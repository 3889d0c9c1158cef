#!/usr/bin/env node
// Starts, inspects and stops a local cluster of nats-servers with JetStream (tools/nats/local-nats-cluster.ts).
//
//   nats-cluster start [--size N] [--dir DIR] [--json]   servers run on after this command returns
//   nats-cluster status --dir DIR [--json]               pid alive? /healthz? per server
//   nats-cluster stop --dir DIR                          stops them by pid and removes DIR

import { parseArgs } from 'node:util'
import {
  LocalNatsClusterError,
  httpStatus,
  isOurServer,
  readClusterState,
  startLocalNatsCluster,
  stopClusterDir,
} from './nats/local-nats-cluster.js'

const USAGE = 'usage: nats-cluster start [--size N] [--dir DIR] [--json] | status --dir DIR [--json] | stop --dir DIR'

function fail(message: string): never {
  process.stderr.write(`nats-cluster: ${message}\n`)
  process.exit(2)
}

const [command, ...rest] = process.argv.slice(2)
const { values } = parseArgs({
  args: rest,
  options: { dir: { type: 'string' }, size: { type: 'string' }, json: { type: 'boolean', default: false } },
  strict: true,
})

async function main(): Promise<void> {
  switch (command) {
    case 'start': {
      const size = values.size === undefined ? 3 : Number(values.size)
      const cluster = await startLocalNatsCluster({
        size,
        ...(values.dir === undefined ? {} : { dir: values.dir }),
        detached: true,
        onProgress: (line) => process.stderr.write(`nats-cluster: ${line}\n`),
      })
      const d = cluster.describe()
      if (values.json) process.stdout.write(JSON.stringify(d) + '\n')
      else {
        for (const s of d.servers) process.stdout.write(`${s.name} pid=${s.pid} url=${s.url} monitor=http://127.0.0.1:${s.monitorPort} log=${s.logFile}\n`)
        process.stdout.write(`urls=${d.urls.join(',')}\n`)
        process.stdout.write(`stop with: tools/nats-cluster.sh stop --dir ${d.dir}\n`)
      }
      break
    }
    case 'status': {
      if (values.dir === undefined) fail(`status needs --dir DIR\n${USAGE}`)
      const d = readClusterState(values.dir)
      const rows = await Promise.all(
        d.servers.map(async (s) => {
          const alive = isOurServer(s)
          const healthz = alive ? await httpStatus(s.monitorPort, '/healthz') : 0
          return { name: s.name, pid: s.pid, url: s.url, alive, healthy: healthz === 200 }
        }),
      )
      if (values.json) process.stdout.write(JSON.stringify({ dir: d.dir, urls: d.urls, servers: rows }) + '\n')
      else for (const r of rows) process.stdout.write(`${r.name} pid=${r.pid} url=${r.url} ${r.alive ? (r.healthy ? 'healthy' : 'running, not healthy') : 'not running'}\n`)
      if (rows.some((r) => !r.healthy)) process.exitCode = 1
      break
    }
    case 'stop': {
      if (values.dir === undefined) fail(`stop needs --dir DIR\n${USAGE}`)
      const n = await stopClusterDir(values.dir)
      process.stderr.write(`nats-cluster: stopped ${n} nats-server(s), removed ${values.dir}\n`)
      break
    }
    default:
      fail(USAGE)
  }
}

await main().catch((e: unknown) => {
  if (e instanceof LocalNatsClusterError) fail(e.message)
  throw e
})
