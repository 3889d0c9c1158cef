// Starts `ordo start` in its own process for the gateway benchmark and reads
// its resident memory from /proc (Linux).

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../tools/cli.js', import.meta.url))

export class BenchServer {
  /** Servers started and not stopped yet (removed on an interrupt: stopAll). */
  static readonly running = new Set<BenchServer>()

  private constructor(
    readonly proc: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
    /** The server's transport ('uws', 'ws', from /health). */
    readonly transport: string,
    /** The server's Node version (from /health). */
    readonly node: string,
  ) {}

  /** `parentDir`: where the data directory is made (default the OS temp dir); the comparison passes its --dir. */
  static async start(durability: 'fsync' | 'async' | 'memory', extraArgs: string[] = [], parentDir: string = tmpdir()): Promise<BenchServer> {
    const dataDir = mkdtempSync(join(parentDir, 'ordo-bench-'))
    // ORDO_BENCH_SERVER_NODE: measure a server under another Node binary (the load generator stays on this one).
    const nodeBinary = process.env.ORDO_BENCH_SERVER_NODE || process.execPath
    const proc = spawn(nodeBinary, [cli, 'start', '--port', '0', '--data', dataDir, '--durability', durability, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      let found = ''
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /listening on (ws:\/\/[^\s"]+)/.exec(out)
        if (m !== null) found = m[1]!
        // JSON log lines (stdout is a pipe), or readable ones.
        if (found !== '' && /"msg":"ready"|ready\n/.test(out)) resolve(found)
      })
      proc.stderr!.on('data', (d: Buffer) => {
        out += d.toString()
      })
      proc.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)))
      setTimeout(() => reject(new Error(`server not ready in 30 s:\n${out}`)), 30_000).unref()
    })
    // Transport and Node version as the server itself reports them.
    let transport = '?'
    let node = '?'
    try {
      const health = (await (await fetch(`${url.replace(/^ws:/, 'http:')}health`)).json()) as { transport?: string; node?: string }
      transport = health.transport ?? '?'
      node = health.node ?? '?'
    } catch {
      /* an older server without the fields */
    }
    const server = new BenchServer(proc, url, dataDir, transport, node)
    BenchServer.running.add(server)
    return server
  }

  /** Stops every running server and removes its data (an interrupted benchmark leaves nothing behind). */
  static async stopAll(): Promise<void> {
    await Promise.all([...BenchServer.running].map((s) => s.stop()))
  }

  /** Resident set size of the server process, bytes. */
  rss(): number {
    const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8')
    const m = /VmRSS:\s+(\d+) kB/.exec(status)
    return m === null ? 0 : Number(m[1]) * 1024
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r))
      this.proc.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))])
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL')
    }
    rmSync(this.dataDir, { recursive: true, force: true })
    BenchServer.running.delete(this)
  }
}
