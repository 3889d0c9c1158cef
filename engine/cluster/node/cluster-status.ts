// What a cluster node reports about itself: /health, /metrics, /api/stats and `ordo cluster status`.

export type NodeRole = 'follower' | 'candidate' | 'leader' | 'deposed' | 'stopped'

export interface ClusterStatus {
  readonly node: string
  readonly cluster: string
  readonly role: NodeRole
  /** Epoch of the newest valid EPOCH this node has read (its own when it leads). */
  readonly epoch: number
  /** Name and client URL of the leader ('' while unknown). */
  readonly leader: string
  readonly leaderUrl: string
  /** DUR: committed in the log and written to this node's journal; acks and deliveries stop here. */
  readonly committedGsn: number
  readonly sequencedGsn: number
  readonly writtenGsn: number
  /** Leader: sequenced but not yet committed. Follower: in the log, not yet applied here. */
  readonly lagGsns: number
  /** Stream seq of the last log entry this node read (follower) or had committed (leader). */
  readonly logSeq: number
  /** Times this node took over leadership. */
  readonly failovers: number
  readonly entriesAppended: number
  readonly bytesAppended: number
  /** Append → JetStream ack latency, cumulative (bounds in seconds, the last +Inf). */
  readonly appendLatency: { buckets: { le: number; count: number }[]; sum: number; count: number }
  readonly natsServers: number
}
