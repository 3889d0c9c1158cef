// `ordo tail`: subscribes and prints every message: gsn, groups with their
// gseqs, and the payload (UTF-8 text, or base64 when it is not text). Reads
// only: groups that do not exist are an error, never created. Groups of a
// message that the reader did not subscribe to are named through the admin
// API's group lookup (tools/cli/group-names-http.ts).

import { onStopSignals } from './stop-signals.js'
import type { ClientSubscription, DeliverBatch } from '../../gateway/client/index.js'
import { OrdoError } from '../../gateway/client/index.js'
import { open } from './publish.js'
import { CommandError, defaultUrl, parse, parseInteger, splitGroups, splitUrls, stderr, UsageError, type Command } from './common.js'
import { GroupNameLookup, httpBaseOf } from './group-names-http.js'

const help = `Usage: ordo tail <group[,group...]> [options]

Subscribes to the groups and prints each message as it arrives, in gsn order:
  gsn=<gsn> groups=<name>:<gseq>[,...] <payload>
Every group of a message your token may subscribe to is named, also those you
did not subscribe to; groups your token may not see are left out (the server
never sends them). Groups are never created: an unknown name is an error.
Reconnects and resumes by itself. Stops on Ctrl-C (or after --count messages).

Options:
  --from N           start at gsn N (replay from the journal, then live); default: from now
  --from-beginning   start at the oldest message the journal still holds
  --durable NAME     a durable subscription: the server remembers what was printed
                     (acknowledged once written to stdout), and the next
                     'ordo tail --durable NAME' resumes right after it
  --count N          exit after N messages
  --json             one JSON object per line, for jq:
                     {"gsn","groups","gseqs","publisher","pseq","time","payload"}
                     (payloadBase64 instead of payload when it is not text)
  --url URL[,URL]    gateway WebSocket URL (default: env ORDO_URL or ws://127.0.0.1:7070/);
                     several (the nodes of a cluster): tried in turn, resuming where it stopped
  --token TOKEN      access token (default: env ORDO_TOKEN)

Examples:
  ordo tail orders
  ordo tail orders,audit --from-beginning
  ordo tail orders --json | jq -r .payload`

const decoder = new TextDecoder('utf-8', { fatal: true })

function text(bytes: Uint8Array): { text: string; binary: boolean } {
  try {
    const s = decoder.decode(bytes)
    // Control characters other than tab would garble a terminal line.
    if (!/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s)) return { text: s, binary: false }
  } catch {
    /* not UTF-8 */
  }
  return { text: Buffer.from(bytes).toString('base64'), binary: true }
}

/** One delivered message, copied out of the batch (printed once its group names are known). */
interface Record {
  gsn: number
  groups: number[]
  gseqs: number[]
  publisher: number
  pseq: number
  time: number
  payload: Uint8Array
}

export const tailCommand: Command = {
  name: 'tail',
  summary: 'subscribe to groups and print gsn, groups and payload of each message',
  help,
  async run(argv) {
    const { values, positionals } = parse('tail', argv, {
      from: { type: 'string' },
      'from-beginning': { type: 'boolean' },
      durable: { type: 'string' },
      count: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      token: { type: 'string' },
    })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    if (positionals.length !== 1) throw new UsageError('ordo tail: name the groups, e.g. ordo tail orders or ordo tail orders,audit')
    if (values.from !== undefined && values['from-beginning'] === true) throw new UsageError('ordo tail: --from and --from-beginning exclude each other')
    const groups = splitGroups(positionals[0]!)
    let from = values['from-beginning'] === true ? 1 : parseInteger('--from', values.from, 0, 0)
    const count = parseInteger('--count', values.count, 0, 0)
    const json = values.json === true
    const urls = splitUrls(values.url !== undefined ? '--url' : 'ORDO_URL', values.url ?? defaultUrl())
    const token = values.token ?? process.env.ORDO_TOKEN
    const names = new GroupNameLookup(httpBaseOf(urls[0]!), token)
    const client = await open(urls, token)
    let seen = 0
    let finish: (() => void) | null = null
    let failure: Error | null = null
    const done = new Promise<void>((resolve) => {
      finish = resolve
    })

    // Printing is a queue: a message naming an unknown group waits for the lookup, and
    // the ones after it wait behind it, so the output stays in gsn order.
    const queue: Record[] = []
    let printing = false
    const nameOf = (id: number): string => client.groupName(id) ?? names.known(id) ?? `#${id}`
    const format = (r: Record): string => {
      const gnames = r.groups.map(nameOf)
      const p = text(r.payload)
      if (json) {
        return JSON.stringify({ gsn: r.gsn, groups: gnames, gseqs: r.gseqs, publisher: r.publisher, pseq: r.pseq, time: r.time, [p.binary ? 'payloadBase64' : 'payload']: p.text })
      }
      return `gsn=${r.gsn} groups=${gnames.map((n, i) => `${n}:${r.gseqs[i]}`).join(',')} ${p.binary ? 'base64:' : ''}${p.text}`
    }
    const drain = async (): Promise<void> => {
      if (printing) return
      printing = true
      try {
        while (queue.length > 0) {
          const unknown = new Set<number>()
          for (const r of queue) for (const g of r.groups) if (client.groupName(g) === undefined && names.worthAsking(g)) unknown.add(g)
          if (unknown.size > 0) await names.lookup([...unknown])
          const out: string[] = []
          while (queue.length > 0) {
            if (count > 0 && seen >= count) {
              queue.length = 0
              break
            }
            const r = queue.shift()!
            out.push(format(r))
            lastPrinted = r.gsn
            seen++
          }
          if (out.length > 0) {
            // Durable: acknowledged once stdout took the lines, so a restart resumes after them.
            const printedThrough = lastPrinted
            process.stdout.write(out.join('\n') + '\n', () => {
              if (durable && printedThrough > 0) ackPrinted(printedThrough)
            })
          }
          if (count > 0 && seen >= count) finish?.()
        }
      } finally {
        printing = false
      }
    }
    let sub: ClientSubscription | null = null
    let lastPrinted = 0
    const durable = values.durable !== undefined
    // Lines stdout took before subscribe() returned (the first frames can come in the same turn as the
    // server's answer) are acknowledged as soon as the subscription is there.
    let unacked = 0
    const ackPrinted = (gsn: number): void => {
      if (sub !== null) sub.ack(BigInt(gsn))
      else if (gsn > unacked) unacked = gsn
    }
    const handler = (b: DeliverBatch): void => {
      while (b.next()) {
        const gs: number[] = []
        const qs: number[] = []
        for (let i = 0; i < b.groupCount; i++) {
          gs.push(b.group(i))
          qs.push(b.gseqNumber(i))
        }
        queue.push({ gsn: b.gsnNumber, groups: gs, gseqs: qs, publisher: b.publisherNumber, pseq: b.pseqNumber, time: b.time, payload: b.payload().slice() })
      }
      void drain()
    }

    const subscribe = async (): Promise<void> => {
      sub = await client.subscribe(groups, {
        fromGsn: BigInt(from),
        create: false,
        ...(values.durable !== undefined ? { durable: values.durable, ackPolicy: 'explicit' as const } : {}),
        onError: (err) => {
          // --from-beginning: retention removed the start meanwhile; go on from the oldest kept.
          if (err.codeName === 'RETAINED_AWAY' && values['from-beginning'] === true && err.ref > 0n) {
            stderr(`ordo tail: gsn ${from} was removed by retention; starting at the oldest kept, gsn ${err.ref}`)
            from = Number(err.ref)
            subscribe().catch((e: unknown) => {
              failure = e as Error
              finish?.()
            })
            return
          }
          failure = new CommandError(err.codeName, `subscription ended: ${err.codeName}: ${err.message}`)
          finish?.()
        },
      }, handler)
    }
    try {
      await subscribe()
      if (unacked > 0) ackPrinted(unacked)
    } catch (err) {
      await client.close()
      if (err instanceof OrdoError) throw new CommandError(err.codeName, `subscribe refused: ${err.codeName}: ${err.message}`)
      throw err
    }
    const offSignals = onStopSignals(
      () => finish?.(),
      () => process.exit(130), // a second Ctrl-C: leave at once
    )
    await done
    offSignals()
    // Durable: let stdout take what was printed (its callbacks send the acks) before the connection closes.
    if (values.durable !== undefined) await new Promise<void>((r) => process.stdout.write('', () => r()))
    await client.close()
    if (failure !== null) throw failure
    return 0
  },
}
