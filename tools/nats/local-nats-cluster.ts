// A local cluster of nats-servers with JetStream, for tests, benchmarks and trying cluster mode on one machine.
//
//   127.0.0.1:c1 ─┐                  each server: its own config file, store dir and log under <dir>/<name>/
//   127.0.0.1:c2 ─┼─ clients         jetstream { store_dir, sync_interval: always }: a write is fsynced before
//   127.0.0.1:c3 ─┘                  JetStream acknowledges it, on every replica (so on a quorum)
//        n1 ◀──routes──▶ n2 ◀──routes──▶ n3 ◀──▶ n1     cluster listen on r1..r3, full mesh of routes
//        http m1..m3: /healthz answers 200 once JetStream and its meta group are current
//
// Every port is a free one the kernel chose, on 127.0.0.1 only. A server is stopped by its pid; a cluster
// started attached (tests) has its servers killed when this process exits, one started detached (the
// command line) outlives it and is stopped later from the state file <dir>/cluster.json.

import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { natsServerBinary } from './nats-binary.js'

export class LocalNatsClusterError extends Error {
  readonly code: 'NATS_CLUSTER_START_FAILED' | 'NATS_CLUSTER_STATE'
  constructor(code: LocalNatsClusterError['code'], message: string) {
    super(message)
    this.name = 'LocalNatsClusterError'
    this.code = code
  }
}

export interface LocalNatsServerInfo {
  readonly name: string
  readonly pid: number
  readonly url: string
  readonly clientPort: number
  readonly clusterPort: number
  readonly monitorPort: number
  readonly configFile: string
  readonly storeDir: string
  readonly logFile: string
}

/** What `--json` prints and cluster.json holds. */
export interface LocalNatsClusterDescription {
  readonly dir: string
  readonly clusterName: string
  readonly urls: string[]
  readonly servers: LocalNatsServerInfo[]
}

export interface LocalNatsClusterOptions {
  /** Number of servers; default 3 (the replicas of an R3 stream). */
  size?: number
  /** Directory for configs, stores and logs; default a fresh temp dir, removed by stop(). */
  dir?: string
  /** nats-server binary; default the pinned release (tools/nats.sh). */
  binary?: string
  /** Servers outlive this process (the command line); default false (tests: killed when this process exits). */
  detached?: boolean
  /** How long start() and restart() wait for /healthz; default 30 000 ms. */
  readyTimeoutMs?: number
  /** jetstream.sync_interval; default 'always' (fsync before every acknowledgement). */
  syncInterval?: string
  /** max_payload in bytes; default 8 MiB (nats-server's own default is 1 MiB). */
  maxPayloadBytes?: number
  /** Name of the NATS cluster (routes); default 'ordo-local'. */
  clusterName?: string
  /** Progress lines (starting, ready, stopping); default none. */
  onProgress?: (line: string) => void
}

export interface LocalNatsCluster {
  readonly dir: string
  readonly urls: string[]
  servers(): LocalNatsServerInfo[]
  describe(): LocalNatsClusterDescription
  /** Sends `signal` to server i (0-based) and, unless it is SIGSTOP/SIGCONT, waits until it has exited. */
  kill(i: number, signal?: NodeJS.Signals): Promise<void>
  /** Starts server i again on the same ports and store (after kill), and waits until it answers /healthz. */
  restart(i: number): Promise<void>
  /** Waits until every running server answers /healthz with 200. */
  waitReady(timeoutMs?: number): Promise<void>
  /** SIGTERM to each server, SIGKILL after `graceMs`; removes the dir when start() created it. Idempotent. */
  stop(graceMs?: number): Promise<void>
}

const DEFAULT_READY_MS = 30_000
const DEFAULT_MAX_PAYLOAD = 8 * 1024 * 1024
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Attached children of this process, killed synchronously if it exits before stopping them. */
const attached = new Set<ChildProcess>()
let exitHookInstalled = false
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const c of attached) {
      if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
        try {
          process.kill(c.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      const port = typeof a === 'object' && a !== null ? a.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** GET http://127.0.0.1:port/path → status code, or 0 when nothing answered within timeoutMs. */
export function httpStatus(port: number, urlPath: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: urlPath, timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(0))
  })
}

function configText(name: string, s: Ports, peers: Ports[], storeDir: string, o: Required<Pick<LocalNatsClusterOptions, 'syncInterval' | 'maxPayloadBytes' | 'clusterName'>>): string {
  const routes = peers.map((p) => `nats-route://127.0.0.1:${p.cluster}`).join(', ')
  return [
    `server_name: ${name}`,
    `listen: 127.0.0.1:${s.client}`,
    `http: 127.0.0.1:${s.monitor}`,
    `max_payload: ${o.maxPayloadBytes}`,
    `jetstream {`,
    `  store_dir: ${JSON.stringify(storeDir)}`,
    `  sync_interval: ${o.syncInterval}`,
    `}`,
    `cluster {`,
    `  name: ${o.clusterName}`,
    `  listen: 127.0.0.1:${s.cluster}`,
    `  routes: [${routes}]`,
    `}`,
    '',
  ].join('\n')
}

interface Ports {
  client: number
  cluster: number
  monitor: number
}

interface Slot {
  info: LocalNatsServerInfo
  ports: Ports
  child: ChildProcess | undefined
}

/** True while pid runs; an exited process not yet reaped by its parent (a zombie) counts as gone. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...": state Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true // no /proc: trust kill(0)
  }
}

/**
 * Starts the servers. Their ports are picked free just before, so another process can take one in
 * between: a server that exits with "address already in use" makes a new attempt on other ports (3 at most).
 */
export async function startLocalNatsCluster(opts: LocalNatsClusterOptions = {}): Promise<LocalNatsCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAttempt(opts)
    } catch (e) {
      if (attempt >= 3 || !(e instanceof LocalNatsClusterError) || !/address already in use/i.test(e.message)) throw e
      opts.onProgress?.(`a port was taken by another process meanwhile; starting again on other ports (${e.message})`)
    }
  }
}

/** The last error line of a server's log ('' when none). */
function lastLogError(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => /\[(ERR|FTL)\]|error/i.test(l))
    return lines.length === 0 ? '' : lines[lines.length - 1]!.trim()
  } catch {
    return ''
  }
}

async function startAttempt(opts: LocalNatsClusterOptions): Promise<LocalNatsCluster> {
  const size = opts.size ?? 3
  if (!Number.isInteger(size) || size < 1 || size > 9) {
    throw new LocalNatsClusterError('NATS_CLUSTER_START_FAILED', `cluster size must be 1..9: size=${String(size)}`)
  }
  const binary = opts.binary ?? natsServerBinary()
  const progress = opts.onProgress ?? ((): void => undefined)
  const ownsDir = opts.dir === undefined
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'ordo-nats-cluster-'))
  mkdirSync(dir, { recursive: true })
  const cfg = {
    syncInterval: opts.syncInterval ?? 'always',
    maxPayloadBytes: opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD,
    clusterName: opts.clusterName ?? 'ordo-local',
  }
  const ports: Ports[] = []
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), cluster: await freePort(), monitor: await freePort() })

  const slots: Slot[] = ports.map((p, i) => {
    const name = `n${i + 1}`
    const home = path.join(dir, name)
    mkdirSync(home, { recursive: true })
    const storeDir = path.join(home, 'jetstream')
    const configFile = path.join(home, 'nats-server.conf')
    writeFileSync(configFile, configText(name, p, ports.filter((_, j) => j !== i), storeDir, cfg))
    return {
      ports: p,
      child: undefined,
      info: {
        name,
        pid: 0,
        url: `nats://127.0.0.1:${p.client}`,
        clientPort: p.client,
        clusterPort: p.cluster,
        monitorPort: p.monitor,
        configFile,
        storeDir,
        logFile: path.join(home, 'server.log'),
      },
    }
  })

  const launch = (slot: Slot): void => {
    const fd = openSync(slot.info.logFile, 'a')
    const child = spawn(binary, ['-c', slot.info.configFile], {
      stdio: ['ignore', fd, fd],
      detached: opts.detached === true,
    })
    closeSync(fd)
    child.once('error', () => undefined) // shows up as an exit, reported by waitReady
    if (child.pid === undefined) {
      throw new LocalNatsClusterError('NATS_CLUSTER_START_FAILED', `could not spawn nats-server: binary=${binary}`)
    }
    if (opts.detached === true) child.unref()
    else {
      installExitHook()
      attached.add(child)
      child.once('exit', () => attached.delete(child))
    }
    slot.child = child
    slot.info = { ...slot.info, pid: child.pid }
  }

  const exited = (slot: Slot): boolean =>
    slot.child !== undefined ? slot.child.exitCode !== null || slot.child.signalCode !== null : !processAlive(slot.info.pid)

  const waitReadyOf = async (list: Slot[], timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    const pending = new Set(list)
    while (pending.size > 0) {
      for (const s of [...pending]) {
        if (exited(s)) {
          const why = lastLogError(s.info.logFile)
          throw new LocalNatsClusterError(
            'NATS_CLUSTER_START_FAILED',
            `nats-server ${s.info.name} exited: pid=${s.info.pid}, port=${s.info.clientPort}, log=${s.info.logFile}${why === '' ? '' : `, last error: ${why}`}`,
          )
        }
        if ((await httpStatus(s.ports.monitor, '/healthz')) === 200) {
          pending.delete(s)
          progress(`nats-server ${s.info.name} ready: ${s.info.url} (pid ${s.info.pid})`)
        }
      }
      if (pending.size === 0) break
      if (Date.now() > deadline) {
        const names = [...pending].map((s) => `${s.info.name}(log=${s.info.logFile})`).join(', ')
        throw new LocalNatsClusterError(
          'NATS_CLUSTER_START_FAILED',
          `nats-servers not healthy (/healthz) within ${timeoutMs} ms: ${names}`,
        )
      }
      await sleep(100)
    }
  }

  const stopSlot = async (slot: Slot, graceMs: number): Promise<void> => {
    if (slot.info.pid === 0 || exited(slot)) return
    try {
      process.kill(slot.info.pid, 'SIGCONT') // a SIGSTOPped server cannot act on SIGTERM
      process.kill(slot.info.pid, 'SIGTERM')
    } catch {
      return
    }
    const deadline = Date.now() + graceMs
    while (!exited(slot) && Date.now() < deadline) await sleep(50)
    if (!exited(slot)) {
      try {
        process.kill(slot.info.pid, 'SIGKILL')
      } catch {
        // gone meanwhile
      }
      while (!exited(slot)) await sleep(20)
    }
  }

  const describe = (): LocalNatsClusterDescription => ({
    dir,
    clusterName: cfg.clusterName,
    urls: slots.map((s) => s.info.url),
    servers: slots.map((s) => s.info),
  })

  progress(`starting ${size} nats-servers (${binary}) under ${dir}`)
  let stopped = false
  const stop = async (graceMs = 5000): Promise<void> => {
    if (stopped) return
    stopped = true
    progress(`stopping ${size} nats-servers`)
    await Promise.all(slots.map((s) => stopSlot(s, graceMs)))
    if (ownsDir) rmSync(dir, { recursive: true, force: true })
  }
  try {
    for (const s of slots) launch(s)
    writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(describe(), null, 2) + '\n')
    await waitReadyOf(slots, opts.readyTimeoutMs ?? DEFAULT_READY_MS)
  } catch (e) {
    await stop(1000).catch(() => undefined)
    throw e
  }

  const slotAt = (i: number): Slot => {
    const s = slots[i]
    if (s === undefined) throw new RangeError(`no server ${i}: the cluster has ${size}`)
    return s
  }
  return {
    dir,
    urls: slots.map((s) => s.info.url),
    servers: () => slots.map((s) => s.info),
    describe,
    async kill(i, signal = 'SIGKILL') {
      const s = slotAt(i)
      if (exited(s)) return
      process.kill(s.info.pid, signal)
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') return
      while (!exited(s)) await sleep(20)
    },
    async restart(i) {
      const s = slotAt(i)
      if (!exited(s)) throw new LocalNatsClusterError('NATS_CLUSTER_STATE', `server ${s.info.name} is still running: pid=${s.info.pid}`)
      launch(s)
      writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(describe(), null, 2) + '\n')
      await waitReadyOf([s], opts.readyTimeoutMs ?? DEFAULT_READY_MS)
    },
    async waitReady(timeoutMs = DEFAULT_READY_MS) {
      await waitReadyOf(slots.filter((s) => !exited(s)), timeoutMs)
    },
    stop,
  }
}

/** Reads <dir>/cluster.json written by a detached start. */
export function readClusterState(dir: string): LocalNatsClusterDescription {
  const file = path.join(dir, 'cluster.json')
  if (!existsSync(file)) throw new LocalNatsClusterError('NATS_CLUSTER_STATE', `no cluster.json in ${dir}: not a directory a start wrote`)
  return JSON.parse(readFileSync(file, 'utf8')) as LocalNatsClusterDescription
}

/** True when pid is alive and is the nats-server started with this config (a recycled pid is left alone). */
export function isOurServer(s: LocalNatsServerInfo): boolean {
  if (!processAlive(s.pid)) return false
  try {
    return readFileSync(`/proc/${s.pid}/cmdline`, 'utf8').includes(s.configFile)
  } catch {
    return true // no /proc: trust the pid
  }
}

/** Stops the servers a detached start recorded in dir (TERM, KILL after graceMs), then removes dir. */
export async function stopClusterDir(dir: string, graceMs = 5000): Promise<number> {
  const state = readClusterState(dir)
  let stoppedCount = 0
  await Promise.all(
    state.servers.map(async (s) => {
      if (!isOurServer(s)) return
      stoppedCount++
      try {
        process.kill(s.pid, 'SIGCONT')
        process.kill(s.pid, 'SIGTERM')
      } catch {
        return
      }
      const deadline = Date.now() + graceMs
      while (processAlive(s.pid) && Date.now() < deadline) await sleep(50)
      if (processAlive(s.pid)) {
        try {
          process.kill(s.pid, 'SIGKILL')
        } catch {
          // gone meanwhile
        }
        while (processAlive(s.pid)) await sleep(20)
      }
    }),
  )
  rmSync(dir, { recursive: true, force: true })
  return stoppedCount
}
