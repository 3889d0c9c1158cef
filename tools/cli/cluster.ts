// `ordo cluster up`: a complete local cluster in the foreground (3 nats-servers with JetStream,
// 3 ordo nodes), every URL printed, Ctrl-C stops everything by pid.
// `ordo cluster status --url a,b,c`: each node's role, epoch, committed gsn and lag, from its /health.

import { onStopSignals } from './stop-signals.js'
import fs from 'node:fs'
import path from 'node:path'
import type { LocalOrdoCluster, NodeHealth } from '../cluster/local-ordo-cluster.js'
import { CommandError, parse, parseInteger, stderr, UsageError, type Command } from './common.js'

const UP_FLAGS = {
  nodes: { type: 'string' },
  dir: { type: 'string' },
  name: { type: 'string' },
  'failover-timeout': { type: 'string' },
  json: { type: 'boolean' },
} as const

const STATUS_FLAGS = {
  url: { type: 'string' },
  dir: { type: 'string' },
  json: { type: 'boolean' },
} as const

const help = `Usage: ordo cluster up [--nodes N] [--dir DIR] [--name NAME] [--failover-timeout DUR] [--json]
       ordo cluster status (--url URL[,URL...] | --dir DIR) [--json]

up       starts a local cluster in the foreground for trying it out and for tests:
         3 nats-servers with JetStream (sync_interval always; the release
         tools/nats.sh installs) and N ordo nodes (default 3) on free 127.0.0.1 ports,
         data and logs under DIR (default a temporary directory, removed on exit;
         a DIR you give is kept). Prints every URL; Ctrl-C stops every process.
         Clients connect to all nodes: ordo publish --url URL1,URL2,URL3 ...
status   asks each node's /health (the WebSocket URLs of the nodes, or the DIR of
         'ordo cluster up') and prints its role, epoch, leader, committed gsn and lag.`

function statusLine(url: string, h: NodeHealth | null): string {
  if (h === null) return `${url}  unreachable`
  const c = h.cluster
  if (c === undefined) return `${url}  not a cluster node (durable_gsn=${h.durableGsn ?? '?'})`
  return `${url}  node=${c.node} role=${c.role} epoch=${c.epoch} leader=${c.leader || '-'} committed_gsn=${c.committedGsn} lag=${c.lagGsns} failovers=${c.failovers}`
}

async function health(url: string): Promise<NodeHealth | null> {
  const http = url.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/$/, '')
  try {
    const res = await fetch(`${http}/health`, { signal: AbortSignal.timeout(2000) })
    return (await res.json()) as NodeHealth
  } catch {
    return null
  }
}

async function up(argv: string[]): Promise<number> {
  const p = parse('cluster up', argv, UP_FLAGS, false)
  if (p.values.help) {
    process.stdout.write(help + '\n')
    return 0
  }
  const nodes = parseInteger('--nodes', p.values.nodes, 3, 1, 9)
  const dir = p.values.dir === undefined ? undefined : path.resolve(p.values.dir)
  stderr(`ordo cluster up: starting 3 nats-servers and ${nodes} ordo nodes${dir === undefined ? '' : ` in ${dir}`}`)
  // The local cluster runs the nats-server release tools/nats.sh installs: a source checkout only.
  let start: typeof LocalOrdoCluster.start
  try {
    start = (await import('../cluster/local-ordo-cluster.js')).LocalOrdoCluster.start.bind(null)
  } catch {
    throw new CommandError('NOT_INSTALLED', 'ordo cluster up runs from a source checkout (git clone, npm ci, npx ordo cluster up): it starts the nats-server release tools/nats.sh installs; with nats-servers of your own, run ordo start --cluster NATS_URLS --node NAME on each node')
  }
  let c: LocalOrdoCluster
  try {
    c = await start({
      nodes, ...(dir === undefined ? {} : { dir }), clusterName: p.values.name ?? 'local',
      ...(p.values['failover-timeout'] === undefined ? {} : { failoverTimeout: p.values['failover-timeout'] }),
      onProgress: (line) => stderr(`  ${line}`),
    })
  } catch (err) {
    throw new CommandError('CLUSTER_UP_FAILED', `local cluster did not start: ${err instanceof Error ? err.message : String(err)}`)
  }
  fs.writeFileSync(path.join(c.dir, 'ordo-cluster.json'), JSON.stringify({ urls: c.urls, nats: c.nats.urls, nodes: c.nodes.map((n) => ({ name: n.name, url: n.url, pid: n.child?.pid, dataDir: n.dataDir, log: n.logFile })) }, null, 2))
  const leader = await c.waitLeader(30_000).catch(() => -1)
  if (p.values.json === true) {
    process.stdout.write(JSON.stringify({ dir: c.dir, urls: c.urls, nats: c.nats.urls, leader: leader < 0 ? null : c.nodes[leader]!.url, nodes: c.nodes.map((n) => ({ name: n.name, url: n.url, pid: n.child?.pid, log: n.logFile })) }) + '\n')
  } else {
    process.stdout.write(`nats-servers: ${c.nats.urls.join(' ')}\n`)
    for (const [i, n] of c.nodes.entries()) {
      process.stdout.write(`ordo ${n.name}: ${n.url}  (http ${n.httpUrl}/health, pid ${n.child?.pid}, log ${n.logFile})${i === leader ? '  leader' : ''}\n`)
    }
    process.stdout.write(`clients: --url ${c.urls.join(',')}\nstatus:  ordo cluster status --dir ${c.dir}\nCtrl-C stops everything.\n`)
  }
  // A second Ctrl-C while the nodes stop is ignored: leaving then would orphan nats-servers and nodes.
  await new Promise<void>((resolve) => void onStopSignals(() => resolve(), () => stderr('ordo cluster up: still stopping every node and nats-server')))
  stderr('ordo cluster up: stopping every node and nats-server')
  await c.stop()
  return 0
}

async function status(argv: string[]): Promise<number> {
  const p = parse('cluster status', argv, STATUS_FLAGS, false)
  if (p.values.help) {
    process.stdout.write(help + '\n')
    return 0
  }
  let urls: string[]
  if (p.values.url !== undefined) urls = p.values.url.split(',').map((u) => u.trim()).filter((u) => u !== '')
  else if (p.values.dir !== undefined) {
    const file = path.join(path.resolve(p.values.dir), 'ordo-cluster.json')
    try {
      urls = (JSON.parse(fs.readFileSync(file, 'utf8')) as { urls: string[] }).urls
    } catch (err) {
      throw new CommandError('CLUSTER_STATE', `cannot read ${file}: ${err instanceof Error ? err.message : String(err)} (is it the --dir of 'ordo cluster up'?)`)
    }
  } else throw new UsageError('ordo cluster status: give the nodes with --url URL[,URL...] or the --dir of ordo cluster up')
  const all = await Promise.all(urls.map((u) => health(u)))
  if (p.values.json === true) process.stdout.write(JSON.stringify(urls.map((url, i) => ({ url, health: all[i] }))) + '\n')
  else for (const [i, u] of urls.entries()) process.stdout.write(statusLine(u, all[i]!) + '\n')
  return all.every((h) => h?.cluster !== undefined) ? 0 : 1
}

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'run a local 3-node cluster in the foreground (up), or show each node\'s role, epoch, committed gsn and lag (status)',
  help,
  async run(argv) {
    const [sub, ...rest] = argv
    if (sub === 'up') return up(rest)
    if (sub === 'status') return status(rest)
    if (sub === undefined || sub === '--help' || sub === '-h') {
      process.stdout.write(help + '\n')
      return sub === undefined ? 2 : 0
    }
    throw new UsageError(`ordo cluster: unknown subcommand '${sub}': up or status (see: ordo cluster --help)`)
  },
}
