// `ordo publish`: publishes messages through the client library, from the
// arguments (one message) or from stdin (one message per line).

import { createInterface } from 'node:readline'
import { connect, OrdoError, type Client } from '../../gateway/client/index.js'
import { CommandError, defaultUrl, parse, splitGroups, stderr, UsageError, type Command } from './common.js'

const help = `Usage: ordo publish <group[,group...]> [payload...] [options]

Publishes one message to the given groups (one message reaching all of them,
with one gsn). The payload is the remaining arguments joined by spaces; with
none, every line of standard input is one message. Prints the gsn of each
message once it is durable (with stdin: a summary, progress on stderr).

Options:
  --url URL        gateway WebSocket URL (default: env ORDO_URL or ws://127.0.0.1:7070/)
  --token TOKEN    access token (default: env ORDO_TOKEN; not needed in open mode)
  --quiet          print nothing but errors

Examples:
  ordo publish orders 'order 1 placed'
  ordo publish orders,audit '{"id": 7}'
  seq 1 1000 | ordo publish numbers`

export const publishCommand: Command = {
  name: 'publish',
  summary: 'publish messages to groups, from arguments or stdin lines',
  help,
  async run(argv) {
    const { values, positionals } = parse('publish', argv, {
      url: { type: 'string' },
      token: { type: 'string' },
      quiet: { type: 'boolean' },
    })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const [groupList, ...words] = positionals
    if (groupList === undefined) throw new UsageError('ordo publish: which groups? e.g. ordo publish orders hello (see: ordo publish --help)')
    const groups = splitGroups(groupList)
    if (groups.length === 0) throw new UsageError(`ordo publish: no group names in ${JSON.stringify(groupList)}`)
    const url = values.url ?? defaultUrl()
    const client = await open(url, values.token ?? process.env.ORDO_TOKEN)
    try {
      if (words.length > 0) {
        const r = await client.publish(groups, words.join(' '))
        if (!values.quiet) process.stdout.write(`gsn=${r.gsn}\n`)
      } else {
        await publishLines(client, groups, values.quiet === true)
      }
    } catch (err) {
      if (err instanceof OrdoError) throw new CommandError(err.codeName, `publish refused: ${err.codeName}: ${err.message}`)
      throw err
    } finally {
      await client.close()
    }
    return 0
  },
}

export async function open(url: string, token: string | undefined): Promise<Client> {
  try {
    return await connect(url, { token, connectTimeoutMs: 10_000, retryFirstConnect: false, onError: (e) => stderr(`ordo: ${e.codeName}: ${e.message}`) })
  } catch (err) {
    if (err instanceof OrdoError) {
      if (err.codeName === 'CONNECT_FAILED') throw new CommandError(err.codeName, `${err.message} (is \`ordo start\` running? set --url or ORDO_URL)`)
      throw new CommandError(err.codeName, `connection to ${url} refused: ${err.codeName}: ${err.message}`)
    }
    throw err
  }
}

async function publishLines(client: Client, groups: string[], quiet: boolean): Promise<void> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let sent = 0
  let acked = 0
  let first = 0n
  let last = 0n
  let failure: Error | null = null
  const started = Date.now()
  const progress = setInterval(() => {
    if (!quiet) stderr(`ordo publish: ${acked}/${sent} acknowledged, ${Math.round((acked * 1000) / Math.max(1, Date.now() - started))} msg/s`)
  }, 1000)
  try {
    for await (const line of rl) {
      if (failure !== null) break
      sent++
      client.publish(groups, line).then(
        (r) => {
          acked++
          if (first === 0n || r.gsn < first) first = r.gsn
          if (r.gsn > last) last = r.gsn
        },
        (e: Error) => {
          failure ??= e
        },
      )
      // Keep memory bounded on huge inputs: wait when far ahead of the acks.
      if (sent - acked > 50_000) await client.flush()
    }
    await client.flush()
  } finally {
    clearInterval(progress)
  }
  if (failure !== null) throw failure
  if (!quiet) process.stdout.write(sent === 0 ? 'published 0 messages\n' : `published ${acked} messages, gsn ${first}..${last}\n`)
}
