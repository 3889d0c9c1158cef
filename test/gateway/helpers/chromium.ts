// Headless Chromium driven over the DevTools protocol (a WebSocket; no
// playwright): open a page, poll an expression until it yields a non-empty
// string, close. Chromium comes from Debian's `chromium` package.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'

export function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (spawnSync('test', ['-x', p]).status === 0) return p
  }
  throw new Error('chromium not found: apt-get install -y chromium (tools/test-prereqs.sh installs it)')
}

export class Chromium {
  private nextId = 1
  private readonly pending = new Map<number, (r: { result?: unknown; error?: { message: string } }) => void>()

  private constructor(
    private readonly proc: ChildProcess,
    private readonly ws: WebSocket,
    private readonly profile: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } }
      if (msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg)
        this.pending.delete(msg.id)
      }
    })
  }

  static async launch(): Promise<Chromium> {
    const exe = chromiumPath()
    const profile = mkdtempSync(join(tmpdir(), 'ordo-chromium-'))
    const proc = spawn(
      exe,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
        `--user-data-dir=${profile}`,
        '--remote-debugging-port=0',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    )
    const wsUrl = await new Promise<string>((resolve, reject) => {
      let buf = ''
      const t = setTimeout(() => reject(new Error(`chromium did not start its DevTools endpoint; stderr: ${buf.slice(-2000)}`)), 30_000)
      proc.stderr!.on('data', (d: Buffer) => {
        buf += d.toString()
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(buf)
        if (m !== null) {
          clearTimeout(t)
          resolve(m[1]!)
        }
      })
      proc.once('exit', (code) => {
        clearTimeout(t)
        reject(new Error(`chromium exited early (code ${code}); stderr: ${buf.slice(-2000)}`))
      })
    })
    const ws = new WebSocket(wsUrl)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new Chromium(proc, ws, profile)
  }

  private call(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, (r) => (r.error !== undefined ? reject(new Error(`${method}: ${r.error.message}`)) : resolve((r.result ?? {}) as Record<string, unknown>)))
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId !== undefined ? { sessionId } : {}) }))
    })
  }

  /** Opens url and polls `expression` until it evaluates to a non-empty string (or the timeout). */
  async evaluateWhenReady(url: string, expression: string, timeoutMs: number): Promise<string> {
    const { targetId } = (await this.call('Target.createTarget', { url })) as { targetId: string }
    const { sessionId } = (await this.call('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string }
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const r = (await this.call('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as { result?: { value?: unknown } }
      const v = r.result?.value
      if (typeof v === 'string' && v.length > 0) return v
      await new Promise((res) => setTimeout(res, 100))
    }
    throw new Error(`page did not produce a result within ${timeoutMs} ms: ${url}`)
  }

  close(): void {
    try {
      this.ws.close()
    } catch {
      /* gone */
    }
    // The browser's helper processes are in its process group (spawned detached).
    try {
      process.kill(-this.proc.pid!, 'SIGKILL')
    } catch {
      /* gone */
    }
    rmSync(this.profile, { recursive: true, force: true })
  }
}
