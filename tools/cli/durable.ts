// `ordo durable list|inspect|delete`: the durable subscriptions of the token's identity,
// through the admin API (GET/DELETE /api/durables) on the gateway's port.

import { CommandError, defaultUrl, parse, UsageError, type Command } from './common.js'
import { httpBaseOf } from './group-names-http.js'

const help = `Usage: ordo durable <list|inspect|delete> [name] [options]

Durable subscriptions keep their acknowledged gsn on the server: a consumer that
subscribes again with the name resumes right after it. Names belong to the
token's identity (its subject): you see and delete only your own.

  ordo durable list              your durable subscriptions, one per line:
                                 name, groups, acknowledged gsn, attached or idle
  ordo durable list --all        every identity's (needs a monitor token)
  ordo durable inspect NAME      one of them in full (JSON)
  ordo durable delete NAME       delete it (an attached consumer gets an Error);
                                 it stops holding retention back at once

Options:
  --json         print the server's JSON answer
  --url URL      gateway WebSocket URL (default: env ORDO_URL or ws://127.0.0.1:7070/)
  --token TOKEN  access token (default: env ORDO_TOKEN)`

const OPTIONS = {
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  url: { type: 'string' },
  token: { type: 'string' },
} as const

interface DurableDoc {
  name: string
  identity: string
  groups: string[]
  ackPolicy: string
  ackedGsn: number
  savedGsn: number
  deliveredGsn: number
  attached: boolean
  lastActive: string
  expires: string | null
}

async function call(base: string, method: string, path: string, token: string): Promise<{ status: number; body: unknown }> {
  let r: Response
  try {
    r = await fetch(`${base}${path}`, { method, headers: token === '' ? {} : { authorization: `Bearer ${token}` } })
  } catch (err) {
    throw new CommandError('CONNECT_FAILED', `cannot reach the server at ${base}: ${err instanceof Error ? err.message : String(err)} (is ordo start running? --url)`)
  }
  const body = (await r.json().catch(() => null)) as unknown
  if (r.status >= 400) {
    const e = (body as { error?: { name?: string; message?: string } } | null)?.error
    throw new CommandError(e?.name ?? `HTTP_${r.status}`, `server answered ${r.status}: ${e?.message ?? 'no details'}`)
  }
  return { status: r.status, body }
}

function line(d: DurableDoc, all: boolean): string {
  const state = d.attached ? `attached, delivered through ${d.deliveredGsn}` : `idle since ${d.lastActive}${d.expires === null ? '' : `, expires ${d.expires}`}`
  return `${all ? `${d.identity.slice(0, 12)}…\t` : ''}${d.name}\tgroups=${d.groups.join(',')}\tacked=${d.ackedGsn}\t${d.ackPolicy}\t${state}`
}

export const durableCommand: Command = {
  name: 'durable',
  summary: 'list, inspect or delete your durable subscriptions (their acknowledged gsns) on a running server',
  help,
  async run(argv) {
    const { values, positionals } = parse('durable', argv, OPTIONS)
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const [action, name] = positionals
    const base = httpBaseOf(values.url ?? defaultUrl())
    const token = values.token ?? process.env.ORDO_TOKEN ?? ''
    switch (action) {
      case 'list': {
        const r = await call(base, 'GET', `/api/durables${values.all ? '?all=true' : ''}`, token)
        const body = r.body as { items: DurableDoc[]; stableGsn: number }
        if (values.json) process.stdout.write(JSON.stringify(body, null, 2) + '\n')
        else {
          const out = body.items.map((d) => line(d, values.all === true))
          out.push(`${body.items.length} durable subscription${body.items.length === 1 ? '' : 's'}; stable gsn ${body.stableGsn}`)
          process.stdout.write(out.join('\n') + '\n')
        }
        return 0
      }
      case 'inspect': {
        if (name === undefined) throw new UsageError('ordo durable inspect: which one? (ordo durable inspect NAME)')
        const r = await call(base, 'GET', `/api/durables/${encodeURIComponent(name)}`, token)
        process.stdout.write(JSON.stringify(r.body, null, 2) + '\n')
        return 0
      }
      case 'delete': {
        if (name === undefined) throw new UsageError('ordo durable delete: which one? (ordo durable delete NAME)')
        await call(base, 'DELETE', `/api/durables/${encodeURIComponent(name)}`, token)
        process.stdout.write(values.json ? JSON.stringify({ deleted: name }) + '\n' : `deleted durable subscription ${name}\n`)
        return 0
      }
      default:
        throw new UsageError(`ordo durable: ${action === undefined ? 'missing' : `unknown`} action${action === undefined ? '' : ` '${action}'`}: list, inspect NAME or delete NAME (see: ordo durable --help)`)
    }
  },
}
