// The one workload every system in the comparison runs, and the shape of what each run reports.
//
//   run-compare ──▶ for each SystemRunner: run(workload) ──▶ SystemResult[] (one row per measured mode)
//                 ──▶ table on stdout, bench/results/<stamp>.json, bench/results/<stamp>.svg, --json line
//
// Publishers and subscribers are separate processes from the server (and from each other where a system
// allows it); the runner owns them and the server it starts, and stops all of them before it returns.

/** What every system is asked to do. Sizes and counts are the same for all of them in one run. */
export interface Workload {
  /** Publisher processes (each one connection / client). */
  readonly publishers: number
  /** Subscriber processes; each subscribes to every group, so each must receive every message. */
  readonly subscribers: number
  /** Payload bytes per message (100 by default; 1024 with --payload 1024). */
  readonly payloadBytes: number
  /** Groups (ordo groups, JetStream subjects under one stream, Redis stream keys); messages cycle over them. */
  readonly groups: number
  /** Messages per throughput run, summed over publishers. */
  readonly messages: number
  /** Messages per throughput run for the systems that move millions a second (ordo's rows); `messages` when
   *  absent. A rate needs a run long enough to be sustained: 200 000 messages keep JetStream's acked publish busy
   *  for ~10 s but ordo for ~0.2 s, mostly start-up. The table says which count each row ran. */
  readonly fastMessages?: number
  /** Offered rate for the latency run, msgs/s summed over publishers; below every system's saturation. */
  readonly latencyRate: number
  /** Length of the latency run. */
  readonly latencySeconds: number
  /** Parent directory for the data of every server and disk test this run starts (--dir); OS temp dir when absent. */
  readonly dir?: string
  /** --quick: the whole comparison under one minute. */
  readonly quick: boolean
}

/** Sustained throughput of one run of `messages`. Rates are over the wall time of the phase they name. */
export interface ThroughputFigures {
  /** Messages handed to the system per second (sent, acknowledged or not). */
  readonly published_per_s: number
  /** Messages acknowledged per second by the system, when the mode waits for acks; otherwise null. */
  readonly acked_per_s: number | null
  /** Messages per second received by each subscriber (the slowest subscriber counts). */
  readonly delivered_per_s: number
  readonly messages: number
}

/** publish→deliver latency at a fixed offered rate; coordinated omission corrected (intended send times). */
export interface LatencyFigures {
  readonly offered_per_s: number
  readonly samples: number
  readonly p50_us: number
  readonly p99_us: number
  readonly p999_us: number
  readonly max_us: number
}

/** Server process cost over the whole time this system was measured (throughput + latency runs). */
export interface ServerUsage {
  /** user + system CPU seconds of the server process (from /proc/<pid>/stat), or null when in-process. */
  readonly cpu_s: number | null
  /** Peak resident set (VmHWM from /proc/<pid>/status), bytes, or null when not measurable. */
  readonly peak_rss_bytes: number | null
}

/** The run's own check of what it measured: every acknowledged message delivered once, in order, intact. */
export interface DeliveryCheck {
  readonly ok: boolean
  /** Empty when ok; otherwise each problem in words ("subscriber 2: 17 messages missing from seq 40001"). */
  readonly problems: readonly string[]
}

export interface SystemResult {
  /** Stable key used in JSON and the chart: 'ordo-ws-async', 'ordo-ws-fsync', 'ordo-embedded', 'jetstream-acked',
   *  'jetstream-stored', 'redis-xadd', ... */
  readonly key: string
  /** Human label for the table. */
  readonly label: string
  /** What durability the acknowledgement implies, in words ("fsync before ack", "OS page cache; fsync every 2 min"). */
  readonly durability: string
  readonly throughput: ThroughputFigures
  readonly latency: LatencyFigures | null
  readonly server: ServerUsage
  readonly check: DeliveryCheck
  /** How the client was tuned and anything the reader must know to judge the figure fairly. */
  readonly notes: readonly string[]
}

export type Progress = (line: string) => void

export interface SystemRunner {
  readonly name: string
  /** Throws a PeerError (bench/compare/peers.ts) or a plain Error with advice when the system cannot be run. */
  run(workload: Workload, progress: Progress): Promise<SystemResult[]>
}
