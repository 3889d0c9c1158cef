// `ordo publish`: publishes messages through the client library, from the
// arguments (one message), from stdin (one message per line), or stdin as one
// binary message (--raw). Interrupted (Ctrl-C) while streaming lines, it stops
// reading, waits briefly for the acknowledgements on their way and says how many
// messages were acknowledged and the last gsn: what is certainly stored.

import { onStopSignals } from './stop-signals.js'
import { ClientErrorCode, connect, OrdoError, type Client, type ConnectOptions } from '../../gateway/client/index.js'
import { CommandError, defaultUrl, parse, splitGroups, splitUrls, stderr, UsageError, type Command } from './common.js'

const help = `Usage: ordo publish <group[,group...]> [payload...] [options]

Publishes one message to the given groups (one message reaching all of them,
with one gsn). The payload is the remaining arguments joined by spaces; with
none, every line of standard input is one message. Prints the gsn of each
message once it is durable (with stdin: a summary, progress on stderr). Ctrl-C
while reading stdin stops and prints what was acknowledged (count, last gsn).

Options:
  --raw            send standard input unchanged as ONE message (binary safe:
                   images, protobuf, anything up to the server's max payload)
  --url URL[,URL]  gateway WebSocket URL (default: env ORDO_URL or ws://127.0.0.1:7070/);
                   several (the nodes of a cluster): tried in turn, publishes go to the leader
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
    const urls = splitUrls(values.url !== undefined ? '--url' : 'ORDO_URL', values.url ?? defaultUrl())
    const raw = values.raw === true ? await readAll() : null
    // A line refused by the server (send() has no promise) ends the run with that error.
    let sendFailure: OrdoError | null = null
    const client = await open(urls, values.token ?? process.env.ORDO_TOKEN, { onSendError: (e) => (sendFailure ??= e) })
    try {
      if (raw !== null) {
        const r = await client.publish(groups, raw)
        if (!values.quiet) process.stdout.write(`gsn=${r.gsn} bytes=${raw.length}\n`)
      } else if (words.length > 0) {
        const r = await client.publish(groups, words.join(' '))
        if (!values.quiet) process.stdout.write(`gsn=${r.gsn}\n`)
      } else {
        const interrupted = await publishLines(client, groups, values.quiet === true, () => sendFailure)
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

export async function open(urls: readonly string[], token: string | undefined, more: ConnectOptions = {}): Promise<Client> {
  try {
    return await connect(urls, { token, connectTimeoutMs: 10_000, retryFirstConnect: false, onError: (e) => stderr(`ordo: ${e.codeName}: ${e.message}`), ...more })
  } catch (err) {
    if (err instanceof OrdoError) {
      if (err.codeName === 'CONNECT_FAILED') throw new CommandError(err.codeName, `${err.message} (is \`ordo start\` running? set --url or ORDO_URL)`)
      throw new CommandError(err.codeName, `connection to ${urls.join(',')} refused: ${err.codeName}: ${err.message}`)
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
/** Messages published and not yet acknowledged at most; reading stdin waits beyond that. */
const WINDOW = 65536
const NEWLINE = 10
const CR = 13

/**
 * Every line of stdin is one message. stdin is read in large chunks and each line is handed to the client as a
 * view of its chunk (the client copies it into a frame at once): no string per line. The first line and the last
 * complete line of each chunk go through publish(), whose gsns make the summary (first..last) and the last
 * acknowledged gsn of an interrupted run; every other line goes through send(). Returns true when interrupted by
 * SIGINT/SIGTERM: reading stops, acknowledgements on their way are awaited briefly, and what is certainly stored
 * is printed.
 */
async function publishLines(client: Client, groups: string[], quiet: boolean, sendFailure: () => OrdoError | null): Promise<boolean> {
  let failure: OrdoError | null = null
  let first: bigint | null = null
  let last: bigint | null = null
  let lines = 0
  let carry: Buffer | null = null
  let interrupted = ''
  const firstSeq = client.acked + 1
  const ackedCount = (): number => client.acked - firstSeq + 1
  const started = Date.now()
  const progress = setInterval(() => {
    if (!quiet) stderr(`ordo publish: ${ackedCount()}/${lines} acknowledged, ${Math.round((ackedCount() * 1000) / Math.max(1, Date.now() - started))} msg/s`)
  }, 1000)
  const fail = (e: unknown): void => {
    failure ??= e instanceof OrdoError ? e : new OrdoError(ClientErrorCode.BAD_ARGUMENT, e instanceof Error ? e.message : String(e))
  }
  const gsnOf = (r: { gsn: bigint }): void => {
    if (first === null || r.gsn < first) first = r.gsn
    if (last === null || r.gsn > last) last = r.gsn
  }
  const line = (bytes: Uint8Array, withGsn: boolean): void => {
    lines++
    if (withGsn || lines === 1) client.publish(groups, bytes).then(gsnOf, fail)
    else client.send(groups, bytes)
  }
  const offSignals = onStopSignals(
    (signal) => {
      interrupted = signal
      process.stdin.destroy() // ends the read loop below
    },
    () => process.exit(130), // a second Ctrl-C: leave at once
  )
  try {
    try {
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
        failure ??= sendFailure()
        if (failure !== null || interrupted !== '') break
        const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk])
        carry = null
        let start = 0
        let nl = buf.indexOf(NEWLINE, start)
        while (nl >= 0) {
          const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl
          const next = buf.indexOf(NEWLINE, nl + 1)
          line(buf.subarray(start, end), next < 0)
          start = nl + 1
          nl = next
        }
        // The carry is a copy, so the chunk is not kept alive by it alone.
        if (start < buf.length) carry = Buffer.from(buf.subarray(start))
        // Keep memory bounded on huge inputs: wait while far ahead of the acknowledgements.
        if (lines - ackedCount() > WINDOW) await client.flush(firstSeq + lines - WINDOW / 2)
      }
    } catch (err) {
      // Destroying stdin on a signal ends the loop with a premature close: expected then.
      if (interrupted === '') throw err
    }
    if (carry !== null && interrupted === '' && failure === null) line(carry, true)
    if (interrupted !== '') await Promise.race([client.flush(), new Promise((r) => setTimeout(r, INTERRUPT_GRACE_MS))])
    else await client.flush()
  } finally {
    clearInterval(progress)
    offSignals()
  }
  if (interrupted !== '') {
    const acked = ackedCount()
    const range = first === null || last === null ? 'none' : `gsn ${String(first)}..${String(last)}`
    process.stdout.write(`interrupted (${interrupted}): ${acked} of ${lines} messages acknowledged (${range}); last acknowledged gsn=${String(last ?? 0n)}\n`)
    if (lines > acked) stderr(`ordo publish: ${lines - acked} message(s) sent but not acknowledged: they may or may not be stored`)
    return true
  }
  failure ??= sendFailure()
  if (failure !== null) throw failure
  if (!quiet) process.stdout.write(lines === 0 ? 'published 0 messages\n' : `published ${lines} messages, gsn ${String(first)}..${String(last)}\n`)
  return false
}
