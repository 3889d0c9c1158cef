// `ordo bench`: runs the gateway benchmark (bench/gateway-bench.ts): a server
// process and a load-generator process, four figures, progress on stderr.

import { CommandError, parse, type Command } from './common.js'

const help = `Usage: ordo bench [--json] [--runs N] [--seconds S] [--only fsync,fanout,latency,idle]

Runs the WebSocket load generator against a gateway it starts (ordo start in
its own process, data in a temporary directory), with 100-byte payloads:
  fsync    1 publisher -> 1 subscriber, fsync durability: messages/s delivered
  fanout   1 publisher -> 100 subscribers of one group: messages/s delivered in total
  latency  publish -> deliver latency at 50 000 msg/s, async durability (p50/p99/p99.9)
  idle     10 000 idle connections: server memory per connection
Takes about a minute and a half; progress goes to stderr. Runs from a source
checkout (the npm package does not ship the benchmarks).

Options:
  --json        end with one JSON line: ws_fsync_msgs_per_s, fanout100_msgs_per_s,
                ws_async_p50_us, ws_async_p99_us, idle_conn_bytes
  --runs N      runs of the throughput figures (median reported; default 3)
  --seconds S   measuring time per run (default 5)
  --only LIST   run only these figures`

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the WebSocket load generator against a gateway it starts (source checkout only; figures in bench/RESULTS.md)',
  help,
  async run(argv) {
    const { values } = parse('bench', argv, { json: { type: 'boolean' }, runs: { type: 'string' }, seconds: { type: 'string' }, only: { type: 'string' } }, false)
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    let bench: { main(argv: string[]): Promise<number> }
    try {
      bench = (await import('../../bench/gateway-bench.js')) as typeof bench
    } catch (err) {
      // The npm package ships the library and the CLI, not the benchmarks and their clients.
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err
      throw new CommandError('BENCH_NOT_INSTALLED', 'the benchmarks are not part of the installed package: run them from a source checkout (npm ci, then npm run bench:gateway)')
    }
    return bench.main(argv)
  },
}
