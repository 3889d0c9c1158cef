// `ordo publish`: publishes messages through the client library, from the
// arguments (one message) or from stdin (one message per line).

import { ClientErrorCode, connect, OrdoError, type Client, type ConnectOptions } from '../../gateway/client/index.js'
import { CommandError, defaultUrl, parse, splitGroups, stderr, UsageError, type Command } from './common.js'

const help = `Usage: ordo publish <group[,group...]> [payload...] [options]

Publishes one message to the given groups (one message reaching all of them,
with one gsn). The payload is the remaining arguments joined by spaces; with
none, every line of standard input is one message. Prints the gsn of each
message once it is durable (with stdin: a summary, progress on stderr).

Options:
  --url URL[,URL]  gateway WebSocket URL(s), tried in turn on connect and reconnect
                   (default: env ORDO_URL or ws://127.0.0.1:7070/)
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
    // A line refused by the server (send() has no promise) ends the run with that error.
    let sendFailure: OrdoError | null = null
    const client = await open(url, values.token ?? process.env.ORDO_TOKEN, { onSendError: (e) => (sendFailure ??= e) })
    try {
      if (words.length > 0) {
        const r = await client.publish(groups, words.join(' '))
        if (!values.quiet) process.stdout.write(`gsn=${r.gsn}\n`)
      } else {
        await publishLines(client, groups, values.quiet === true, () => sendFailure)
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

export async function open(url: string, token: string | undefined, more: ConnectOptions = {}): Promise<Client> {
  try {
    // A comma-separated list: the client tries the URLs in turn (several relays, a cluster's nodes).
    const urls = url.split(',').map((u) => u.trim()).filter((u) => u !== '')
    return await connect(urls, { token, connectTimeoutMs: 10_000, retryFirstConnect: false, onError: (e) => stderr(`ordo: ${e.codeName}: ${e.message}`), ...more })
  } catch (err) {
    if (err instanceof OrdoError) {
      if (err.codeName === 'CONNECT_FAILED') throw new CommandError(err.codeName, `${err.message} (is \`ordo start\` running? set --url or ORDO_URL)`)
      throw new CommandError(err.codeName, `connection to ${url} refused: ${err.codeName}: ${err.message}`)
    }
    throw err
  }
}

/** Messages published and not yet acknowledged at most; reading stdin waits beyond that. */
const WINDOW = 65536
const NEWLINE = 10
const CR = 13

/**
 * Every line of stdin is one message. stdin is read in large chunks and each line is handed to the client as a
 * view of its chunk (the client copies it into a frame at once): no string per line. The last line read is held
 * back until the next chunk shows whether more follow, so that the first and the last line go through publish()
 * (their gsns make the summary) and every line between through send().
 */
async function publishLines(client: Client, groups: string[], quiet: boolean, sendFailure: () => OrdoError | null): Promise<void> {
  let failure: OrdoError | null = null
  let first: bigint | null = null
  let last: bigint | null = null
  let lines = 0
  let held: Uint8Array | null = null
  let carry: Buffer | null = null
  const firstSeq = client.acked + 1
  const started = Date.now()
  const progress = setInterval(() => {
    if (!quiet) stderr(`ordo publish: ${client.acked - firstSeq + 1}/${lines} acknowledged, ${Math.round(((client.acked - firstSeq + 1) * 1000) / Math.max(1, Date.now() - started))} msg/s`)
  }, 1000)
  const fail = (e: unknown): void => {
    failure ??= e instanceof OrdoError ? e : new OrdoError(ClientErrorCode.BAD_ARGUMENT, e instanceof Error ? e.message : String(e))
  }
  const line = (bytes: Uint8Array): void => {
    if (held !== null) {
      if (lines === 1) client.publish(groups, held).then((r) => (first = r.gsn), fail)
      else client.send(groups, held)
    }
    held = bytes
    lines++
  }
  try {
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
      failure ??= sendFailure()
      if (failure !== null) break
      const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk])
      carry = null
      let start = 0
      for (let nl = buf.indexOf(NEWLINE, start); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
        const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl
        line(buf.subarray(start, end))
        start = nl + 1
      }
      // The held line is a view of this chunk: the carry is a copy, so the chunk is not kept alive by it alone.
      if (start < buf.length) carry = Buffer.from(buf.subarray(start))
      // Keep memory bounded on huge inputs: wait while far ahead of the acknowledgements.
      if (lines - (client.acked - firstSeq + 1) > WINDOW) await client.flush(firstSeq + lines - WINDOW / 2)
    }
    if (carry !== null) line(carry)
    if (held !== null) {
      const r = await client.publish(groups, held).catch((e: unknown) => {
        fail(e)
        return null
      })
      if (r !== null) last = r.gsn
      if (lines === 1) first = last
    }
    await client.flush()
  } finally {
    clearInterval(progress)
  }
  failure ??= sendFailure()
  if (failure !== null) throw failure
  if (!quiet) process.stdout.write(lines === 0 ? 'published 0 messages\n' : `published ${lines} messages, gsn ${String(first)}..${String(last)}\n`)
}
