// Helpers of the durable subscription tests: a publisher on the bare protocol, the admin
// API's durable routes, a durable subscriber process.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { RawClient } from '../helpers/raw-client.js'

const subscriberJs = fileURLToPath(new URL('../procs/durable-subscriber.js', import.meta.url))

/** Publishes count messages to group (created when new), in frames of 50; resolves with their gsns. */
/** size: pad payloads to this many bytes (0: just the index). */
export async function publishN(url: string, group: string, count: number, token = '', size = 0): Promise<bigint[]> {
  const { client, publisher } = await RawClient.hello(url, token)
  try {
    client.sendFrame({ type: 'ResolveGroups', names: [group], create: true })
    const g = await client.next('Groups')
    const id = g.ids[0]!
    const gsns: bigint[] = []
    for (let sent = 0; sent < count; ) {
      const n = Math.min(50, count - sent)
      const messages = []
      for (let k = 0; k < n; k++) {
        messages.push({ gsn: 0n, publisher, pseq: BigInt(sent + k + 1), groups: [id], gseqs: [0n], time: 0n, payload: new TextEncoder().encode(`m${sent + k}`.padEnd(size, '.')) })
      }
      client.sendFrame({ type: 'Publish', messages })
      sent += n
      while (gsns.length < sent) {
        const a = await client.nextOf(['PublishAck', 'Error'], 30_000)
        if (a.type === 'Error') throw new Error(`publish refused: ${a.code} ${a.message}`)
        gsns.push(...a.gsns)
      }
    }
    return gsns
  } finally {
    client.close()
  }
}

export async function api(base: string, method: string, path: string, token = ''): Promise<{ status: number; body: any }> {
  const r = await fetch(`${base}${path}`, { method, headers: token === '' ? {} : { authorization: `Bearer ${token}` } })
  return { status: r.status, body: await r.json() }
}

/** Polls until the durable subscription's acknowledged gsn is on disk (savedGsn == ackedGsn >= atLeast). */
export async function waitSaved(base: string, name: string, atLeast: number, token = '', timeoutMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const r = await api(base, 'GET', `/api/durables/${name}`, token)
    if (r.status === 200 && r.body.ackedGsn >= atLeast && r.body.savedGsn === r.body.ackedGsn) return r.body.ackedGsn as number
    if (Date.now() > end) throw new Error(`durable ${name} not saved at >= ${atLeast}: ${JSON.stringify(r.body)}`)
    await new Promise((res) => setTimeout(res, 50))
  }
}

export class DurableSubscriber {
  readonly lines: string[] = []
  readonly proc: ChildProcess
  readonly exited: Promise<void>

  constructor(url: string, group: string, name: string, readonly outFile: string, token = '', delayMs = 0) {
    this.proc = spawn(process.execPath, [subscriberJs, url, group, name, outFile, token, String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let buf = ''
    this.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString()
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        this.lines.push(buf.slice(0, nl))
        buf = buf.slice(nl + 1)
      }
    })
    this.exited = new Promise((r) => this.proc.once('exit', () => r()))
  }

  /** The subscribed line's [next_gsn, acked_gsn]. */
  async subscribed(timeoutMs = 15_000): Promise<[number, number]> {
    await until(() => this.lines.some((l) => l.startsWith('subscribed ') || l.startsWith('error ')), 'subscribed', timeoutMs)
    const l = this.lines.find((x) => x.startsWith('subscribed ') || x.startsWith('error '))!
    if (l.startsWith('error ')) throw new Error(`durable subscriber refused: ${l}`)
    const [, next, acked] = l.split(' ')
    return [Number(next), Number(acked)]
  }

  get lastAck(): number {
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i]!.startsWith('ack ')) return Number(this.lines[i]!.slice(4))
    return 0
  }

  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL')
    await this.exited
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGTERM')
    await this.exited
  }
}

/** The gsns a subscriber process wrote, in order. */
export function processed(file: string): number[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map(Number)
}

export async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
