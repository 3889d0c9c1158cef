#!/usr/bin/env node
// `ordo`: the command line. Dispatches to tools/cli/<command>.ts, loaded only
// when used (start pulls in the engine and uWebSockets.js; token needs neither).

import { CommandError, UsageError, type Command } from './cli/common.js'

interface Entry {
  readonly summary: string
  load(): Promise<Command>
}

const COMMANDS: Record<string, Entry> = {
  start: {
    summary: 'start the engine and the gateway (WebSocket + HTTP on one port, default 7070, data in ./data)',
    load: async () => (await import('./cli/start.js')).startCommand,
  },
  publish: {
    summary: 'publish messages to groups, from arguments or stdin lines',
    load: async () => (await import('./cli/publish.js')).publishCommand,
  },
  tail: {
    summary: 'subscribe to groups and print gsn, every group with its gseq, and the payload (--json for jq)',
    load: async () => (await import('./cli/tail.js')).tailCommand,
  },
  inspect: {
    summary: 'verify a journal directory: segments, records, CRC failures, gsn range, groups',
    load: async () => (await import('./cli/inspect.js')).inspectCommand,
  },
  durable: {
    summary: 'list, inspect or delete your durable subscriptions (their acknowledged gsns) on a running server',
    load: async () => (await import('./cli/durable.js')).durableCommand,
  },
  token: {
    summary: 'mint an access token listing the groups a client may publish/subscribe to (--monitor: dashboard)',
    load: async () => (await import('./cli/token.js')).tokenCommand,
  },
  cluster: {
    summary: 'run a local 3-node cluster in the foreground (up), or show each node\'s role, epoch, committed gsn and lag (status)',
    load: async () => (await import('./cli/cluster.js')).clusterCommand,
  },
  bench: {
    summary: 'run the WebSocket load generator against a gateway it starts (source checkout only; figures in bench/RESULTS.md)',
    load: async () => (await import('./cli/bench.js')).benchCommand,
  },
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  const lines = Object.entries(COMMANDS).map(([name, e]) => `  ${name.padEnd(width)}  ${e.summary}`)
  return `Usage: ordo <command> [options]

ordo: an atomic-multicast sequencer. Publishers send messages to groups; every
message gets one place in a single total order, is made durable, and is fanned
out to subscribers over WebSocket.

Commands:
${lines.join('\n')}

Run 'ordo <command> --help' for the options of a command.
Quick start, in three terminals:
  ordo start                       # serves ws://127.0.0.1:7070/, data in ./data
  ordo tail orders                 # terminal 2: prints what arrives
  ordo publish orders hello world  # terminal 3 (or: echo hi | ordo publish orders)
Dashboard: http://127.0.0.1:7070/ui   Metrics: /metrics   Admin API: /api/stats`
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n')
    return name === undefined ? 2 : 0
  }
  if (name === '--version' || name === '-v') {
    const { ORDO_VERSION } = await import('../engine/version.js')
    process.stdout.write(`ordo ${ORDO_VERSION}\n`)
    return 0
  }
  const entry = COMMANDS[name]
  if (entry === undefined) {
    process.stderr.write(`ordo: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')} (see: ordo --help)\n`)
    return 2
  }
  const command = await entry.load()
  return command.run(rest)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`)
      process.exitCode = 2
    } else if (err instanceof CommandError) {
      process.stderr.write(`ordo: ${err.message}\n`)
      process.exitCode = 1
    } else {
      process.stderr.write(`ordo: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exitCode = 1
    }
  },
)
