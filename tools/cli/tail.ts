// `ordo tail`: subscribes and prints every message: gsn, groups with their
// gseqs, and the payload (UTF-8 text, or base64 when it is not text).

import type { DeliverBatch } from '../../gateway/client/index.js'
import { OrdoError } from '../../gateway/client/index.js'
import { open } from './publish.js'
import { CommandError, defaultUrl, parse, parseInteger, splitGroups, UsageError, type Command } from './common.js'

const help = `Usage: ordo tail <group[,group...]> [options]

Subscribes to the groups and prints each message as it arrives, in gsn order:
  gsn=<gsn> groups=<name>:<gseq>[,...] <payload>
Reconnects and resumes by itself. Stops on Ctrl-C (or after --count messages).

Options:
  --from N         start at gsn N (replay from the journal, then live); default: from now
  --count N        exit after N messages
  --json           one JSON object per line: {"gsn","groups","gseqs","publisher","pseq","payload"}
  --url URL[,URL]  gateway WebSocket URL(s), tried in turn on connect and reconnect
                   (default: env ORDO_URL or ws://127.0.0.1:7070/)
  --token TOKEN    access token (default: env ORDO_TOKEN)

Examples:
  ordo tail orders
  ordo tail orders,audit --from 1`

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

export const tailCommand: Command = {
  name: 'tail',
  summary: 'subscribe to groups and print gsn, groups and payload of each message',
  help,
  async run(argv) {
    const { values, positionals } = parse('tail', argv, {
      from: { type: 'string' },
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
    const groups = splitGroups(positionals[0]!)
    const from = parseInteger('--from', values.from, 0, 0)
    const count = parseInteger('--count', values.count, 0, 0)
    const json = values.json === true
    const url = values.url ?? defaultUrl()
    const client = await open(url, values.token ?? process.env.ORDO_TOKEN)
    let seen = 0
    let finish: (() => void) | null = null
    const done = new Promise<void>((resolve) => {
      finish = resolve
    })
    const out: string[] = []
    const handler = (b: DeliverBatch): void => {
      while (b.next()) {
        const names: string[] = []
        // JSON numbers: gsns and gseqs stay below 2^53, so Number() is exact.
        const gseqs: number[] = []
        for (let i = 0; i < b.groupCount; i++) {
          names.push(client.groupName(b.group(i)) ?? `#${b.group(i)}`)
          gseqs.push(Number(b.gseq(i)))
        }
        const p = text(b.payload())
        if (json) {
          out.push(JSON.stringify({ gsn: Number(b.gsn), groups: names, gseqs, publisher: Number(b.publisher), pseq: Number(b.pseq), time: b.time, [p.binary ? 'payloadBase64' : 'payload']: p.text }))
        } else {
          out.push(`gsn=${b.gsn} groups=${names.map((n, i) => `${n}:${gseqs[i]}`).join(',')} ${p.binary ? 'base64:' : ''}${p.text}`)
        }
        seen++
        if (count > 0 && seen >= count) {
          finish?.()
          break
        }
      }
      process.stdout.write(out.join('\n') + '\n')
      out.length = 0
    }
    try {
      await client.subscribe(groups, { fromGsn: BigInt(from) }, handler)
    } catch (err) {
      await client.close()
      if (err instanceof OrdoError) throw new CommandError(err.codeName, `subscribe refused: ${err.codeName}: ${err.message}`)
      throw err
    }
    const stop = () => finish?.()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    await done
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await client.close()
    return 0
  },
}
