// `ordo publish`: publishes messages through the client library, from the
// arguments (one message), from stdin (one message per line), or stdin as one
// binary message (--raw). Interrupted (Ctrl-C) while streaming lines, it stops
// reading, waits briefly for the acknowledgements on their way and says how many
// messages were acknowledged and the last gsn: what is certainly stored.

import { createInterface } from 'node:readline'
import { connect, OrdoError, type Client } from '../../gateway/client/index.js'
import { CommandError, defaultUrl, parse, splitGroups, stderr, UsageError, type Command } from './common.js'

const help = `Usage: ordo publish <group[,group...]> [payload...] [options]

Publishes one message to the given groups (one message reaching all of them,
with one gsn). The payload is the remaining arguments joined by spaces; with
none, every line of standard input is one message. Prints the gsn of each
message once it is durable (with stdin: a summary, progress on stderr). Ctrl-C
while reading stdin stops and prints what was acknowledged (count, last gsn).

Options:
  --raw            send standard input unchanged as ONE message (binary safe:
                   images, protobuf, anything up to the server's max payload)
  --url URL        gateway WebSocket URL (default: env ORDO_URL or ws://127.0.0.1:7070/)
  --token TOKEN    access token (default: env ORDO_TOKEN; not needed in open mode)
  --quiet          print nothing but errors

Examples:
  ordo publish orders 'order 1 placed'
  ordo publish orders,audit '{"id": 7}'
  seq 1 1000 | ordo publish numbers
  ordo publish images --raw < photo.jpg`

export const publishCommand: Command = {
  name: 'publish',
  summary: 'publish messages to groups, from arguments or stdin lines',
  help,
  async run(argv) {
    const { values, positionals } = parse('publish', argv, {
      url: { type: 'string' },
      token: { type: 'string' },
      quiet: { type: 'boolean' },
      raw: { type: 'boolean' },
    })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    const [groupList, ...words] = positionals
    if (groupList === undefined) throw new UsageError('ordo publish: which groups? e.g. ordo publish orders hello (see: ordo publish --help)')
    const groups = splitGroups(groupList)
    if (groups.length === 0) throw new UsageError(`ordo publish: no group names in ${JSON.stringify(groupList)}`)
    if (values.raw === true && words.length > 0) throw new UsageError('ordo publish: --raw sends standard input; drop the payload arguments (or drop --raw)')
    const url = values.url ?? defaultUrl()
    const raw = values.raw === true ? await readAll() : null
    const client = await open(url, values.token ?? process.env.ORDO_TOKEN)
    try {
      if (raw !== null) {
        const r = await client.publish(groups, raw)
        if (!values.quiet) process.stdout.write(`gsn=${r.gsn} bytes=${raw.length}\n`)
      } else if (words.length > 0) {
        const r = await client.publish(groups, words.join(' '))
        if (!values.quiet) process.stdout.write(`gsn=${r.gsn}\n`)
      } else {
        const interrupted = await publishLines(client, groups, values.quiet === true)
        if (interrupted) return 130
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

/** All of standard input as bytes, unchanged. */
async function readAll(): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  const all = Buffer.concat(chunks)
  return new Uint8Array(all.buffer, all.byteOffset, all.length)
}

/** How long an interrupted run waits for acknowledgements already on their way. */
const INTERRUPT_GRACE_MS = 3000

/** Publishes each stdin line; returns true when interrupted by SIGINT/SIGTERM. */
async function publishLines(client: Client, groups: string[], quiet: boolean): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
  let sent = 0
  let acked = 0
  let first = 0n
  let last = 0n
  let failure: Error | null = null
  let interrupted = ''
  const started = Date.now()
  const progress = setInterval(() => {
    if (!quiet) stderr(`ordo publish: ${acked}/${sent} acknowledged, ${Math.round((acked * 1000) / Math.max(1, Date.now() - started))} msg/s`)
  }, 1000)
  const onSignal = (signal: string) => () => {
    if (interrupted !== '') process.exit(130) // a second Ctrl-C: leave at once
    interrupted = signal
    rl.close()
  }
  const onInt = onSignal('SIGINT')
  const onTerm = onSignal('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  try {
    for await (const line of rl) {
      if (failure !== null || interrupted !== '') break
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
    if (interrupted !== '') await Promise.race([client.flush(), new Promise((r) => setTimeout(r, INTERRUPT_GRACE_MS))])
    else await client.flush()
  } finally {
    clearInterval(progress)
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
  }
  if (interrupted !== '') {
    const range = acked === 0 ? 'none' : `gsn ${first}..${last}`
    process.stdout.write(`interrupted (${interrupted}): ${acked} of ${sent} messages acknowledged (${range}); last acknowledged gsn=${last}\n`)
    if (sent > acked) stderr(`ordo publish: ${sent - acked} message(s) sent but not acknowledged: they may or may not be stored`)
    return true
  }
  if (failure !== null) throw failure
  if (!quiet) process.stdout.write(sent === 0 ? 'published 0 messages\n' : `published ${acked} messages, gsn ${first}..${last}\n`)
  return false
}
