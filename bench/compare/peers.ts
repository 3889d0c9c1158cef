// Starts and stops the peer servers (nats-server with JetStream, redis-server with appendonly) from inside a
// benchmark or test. Same flags as tools/peers.sh; this module spawns the binaries itself so it owns their pids
// and can kill exactly those processes from a `finally` or a process 'exit' handler.
//
// Every server gets 127.0.0.1 only, a kernel-chosen free port and its data under a fresh temp directory that
// stop() removes.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, openSync, closeSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NatsBinaryError, natsServerBinary } from '../../tools/nats/nats-binary.js'

export const PeerErrorCode = {
  MISSING: 'PEER_MISSING',
  START_FAILED: 'PEER_START_FAILED',
} as const
export type PeerErrorCode = (typeof PeerErrorCode)[keyof typeof PeerErrorCode]

export class PeerError extends Error {
  readonly code: PeerErrorCode
  constructor(code: PeerErrorCode, message: string) {
    super(message)
    this.name = 'PeerError'
    this.code = code
  }
}

export interface PeerServer {
  readonly name: 'nats-server' | 'redis-server'
  readonly pid: number
  readonly port: number
  /** Temp directory holding the server's data and its log (`server.log`). */
  readonly dir: string
  /** SIGTERM, SIGKILL after `graceMs`, then removes `dir`. Idempotent. */
  stop(graceMs?: number): Promise<void>
}

export interface StartPeerOptions {
  /** Fixed port; default a free one chosen by the kernel. */
  port?: number
  /** Parent for the temp data directory; default os.tmpdir(). */
  parentDir?: string
  /** How long to wait for the server to answer; default 10 000 ms. */
  startTimeoutMs?: number
}

/** Pids this process started and has not stopped yet, killed synchronously if the process exits first. */
const live = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // 'exit' handlers must be synchronous: a plain SIGKILL by pid is all that can run here.
  process.on('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
  })
}

/**
 * Absolute path of a binary, or undefined. nats-server is the pinned release of tools/nats.sh (installed into the
 * checkout's cache on first use), not whatever is on the PATH: Debian's 2.9.10 lacks sync_interval and much else.
 */
export function findBinary(name: string): string | undefined {
  if (name === 'nats-server') {
    try {
      return natsServerBinary()
    } catch (e) {
      if (e instanceof NatsBinaryError) return undefined
      throw e
    }
  }
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  const found = r.status === 0 ? r.stdout.trim() : ''
  if (found !== '') return found
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin']) {
    if (existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}

function requireBinary(name: string): string {
  const path = findBinary(name)
  if (path === undefined) {
    throw new PeerError(
      PeerErrorCode.MISSING,
      name === 'nats-server'
        ? `nats-server not found: run \`bash tools/nats.sh install\` to see why the pinned release did not install: binary=${name}`
        : `${name} not found: install it with \`sudo apt-get install -y ${name}\` (or run tools/peers.sh start): binary=${name}`,
    )
  }
  return path
}

/** A free TCP port on 127.0.0.1 (the kernel's choice; a small race until the server binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** One probe: connect, optionally send `probe`, resolve true when the reply starts with `expect`. */
function answers(port: number, probe: string, expect: string): Promise<boolean> {
  return new Promise((resolve) => {
    let got = ''
    const sock = createConnection({ host: '127.0.0.1', port })
    const done = (ok: boolean): void => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(1000, () => done(false))
    sock.once('error', () => done(false))
    sock.once('connect', () => {
      if (probe !== '') sock.write(probe)
    })
    sock.on('data', (chunk: Buffer) => {
      got += chunk.toString('latin1')
      if (got.length >= expect.length) done(got.startsWith(expect))
    })
  })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function startPeer(
  name: PeerServer['name'],
  args: (dataDir: string, port: number) => string[],
  probe: string,
  expect: string,
  opts: StartPeerOptions,
): Promise<PeerServer> {
  const bin = requireBinary(name)
  const dir = mkdtempSync(join(opts.parentDir ?? tmpdir(), `ordo-${name}-`))
  const dataDir = join(dir, 'data')
  mkdirSync(dataDir)
  const port = opts.port ?? (await freePort())
  const logFd = openSync(join(dir, 'server.log'), 'a')
  const child = spawn(bin, args(dataDir, port), { stdio: ['ignore', logFd, logFd], detached: false })
  closeSync(logFd)
  installExitHook()
  live.add(child)
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
  child.once('error', () => undefined) // a spawn error also shows as an exit, handled below

  let stopped = false
  const stop = async (graceMs = 5000): Promise<void> => {
    if (stopped) return
    stopped = true
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      child.kill('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => { timer = setTimeout(() => r(true), graceMs) }),
      ])
      clearTimeout(timer) // a pending grace timer would keep the process alive for graceMs after a clean stop
      if (timedOut) {
        child.kill('SIGKILL')
        await exited
      }
    }
    live.delete(child)
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000)
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      const log = join(dir, 'server.log')
      stopped = true
      live.delete(child)
      throw new PeerError(
        PeerErrorCode.START_FAILED,
        `${name} exited during start-up: port=${port}, exit=${child.exitCode ?? child.signalCode}, log=${log}`,
      )
    }
    if (await answers(port, probe, expect)) break
    if (Date.now() > deadline) {
      await stop(1000)
      throw new PeerError(PeerErrorCode.START_FAILED, `${name} did not answer: port=${port}, timeoutMs=${opts.startTimeoutMs ?? 10_000}`)
    }
    await sleep(50)
  }
  return { name, pid: child.pid, port, dir, stop }
}

/** redis-server with appendonly yes / appendfsync everysec (its documented default trade-off), no RDB snapshots. */
export function startRedis(opts: StartPeerOptions = {}): Promise<PeerServer> {
  return startPeer(
    'redis-server',
    (dataDir, port) => [
      '--port', String(port), '--bind', '127.0.0.1',
      '--appendonly', 'yes', '--appendfsync', 'everysec',
      '--dir', dataDir, '--save', '',
    ],
    'PING\r\n',
    '+PONG',
    opts,
  )
}

/** nats-server with JetStream, file store under the temp dir. NATS greets every connection with `INFO {...}`. */
export function startNats(opts: StartPeerOptions = {}): Promise<PeerServer> {
  return startPeer(
    'nats-server',
    (dataDir, port) => ['-js', '-sd', dataDir, '-a', '127.0.0.1', '-p', String(port)],
    '',
    'INFO',
    opts,
  )
}
