// The configuration ordo gives its streams, and the check an existing stream must pass before ordo writes to
// it. A stream is ordo's when its metadata says so (kind, cluster, format); one with the same name and other
// metadata belongs to someone else and is refused untouched. An ordo stream whose settings could lose or
// reorder entries (a limit that discards, async persistence, a replica count other than asked) is refused too.

import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { ClusterError, ClusterErrorCode } from './errors.js'
import type { ClusterNames } from './names.js'

export const LOG_FORMAT = 1
export const META_KIND = 'ordo.kind'
export const META_CLUSTER = 'ordo.cluster'
export const META_FORMAT = 'ordo.format'

export type StreamRole = 'log' | 'nodes'

export interface StreamSpecOptions {
  readonly replicas: number
  /** JetStream's dedupe window for Msg-Ids: resends within it are answered with the stored entry. */
  readonly duplicateWindowMs: number
  /** Node claims expire this long after their last refresh (nodes stream only). */
  readonly claimTtlMs: number
}

function metadata(names: ClusterNames, role: StreamRole): Record<string, string> {
  return { [META_KIND]: role, [META_CLUSTER]: names.cluster, [META_FORMAT]: String(LOG_FORMAT) }
}

/** The config ordo creates the stream with. */
export function desiredStreamConfig(names: ClusterNames, role: StreamRole, o: StreamSpecOptions): Partial<StreamConfig> {
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: o.replicas,
    max_msgs: -1,
    max_bytes: -1,
    max_msg_size: -1,
    allow_direct: true,
    deny_delete: true,
    deny_purge: false,
    allow_rollup_hdrs: false,
    metadata: metadata(names, role),
  }
  if (role === 'log') {
    return {
      ...common,
      name: names.logStream,
      description: `ordo replicated log of cluster ${names.cluster}`,
      subjects: [names.logSubject, names.epochSubject],
      discard: DiscardPolicy.Old,
      max_age: 0,
      max_msgs_per_subject: -1,
      duplicate_window: nanos(o.duplicateWindowMs),
    }
  }
  return {
    ...common,
    name: names.nodesStream,
    description: `ordo node-name claims of cluster ${names.cluster}`,
    subjects: [names.nodeSubjects],
    discard: DiscardPolicy.Old,
    max_age: nanos(o.claimTtlMs),
    max_msgs_per_subject: 1,
    duplicate_window: nanos(Math.min(o.claimTtlMs, 120_000)),
  }
}

/** Throws when `cfg` (an existing stream's) is not an ordo stream of this cluster and role, or unsafe. */
export function validateExistingStream(names: ClusterNames, role: StreamRole, cfg: StreamConfig, replicas: number): void {
  const name = cfg.name
  const meta = cfg.metadata ?? {}
  if (meta[META_KIND] !== role || meta[META_CLUSTER] !== names.cluster) {
    const found = META_KIND in meta ? `kind=${meta[META_KIND]}, cluster=${meta[META_CLUSTER] ?? ''}` : 'no ordo metadata'
    throw new ClusterError(
      ClusterErrorCode.foreignStream,
      `stream ${name} exists but was not created by ordo for cluster ${names.cluster} (${found}); ordo will not ` +
        'write to it: choose another cluster name, or remove that stream if it is really unused',
    )
  }
  const format = Number(meta[META_FORMAT])
  if (format !== LOG_FORMAT) {
    throw new ClusterError(
      ClusterErrorCode.streamMismatch,
      `stream ${name} has log format ${meta[META_FORMAT] ?? '(none)'}, this ordo reads format ${LOG_FORMAT}: ` +
        'run the ordo release that created it',
    )
  }
  const problems: string[] = []
  const want = role === 'log' ? [names.logSubject, names.epochSubject] : [names.nodeSubjects]
  const subjects = [...(cfg.subjects ?? [])].sort()
  if (subjects.join(',') !== [...want].sort().join(',')) problems.push(`subjects=${subjects.join('|')} (want ${want.join('|')})`)
  if (cfg.storage !== StorageType.File) problems.push(`storage=${cfg.storage} (want file)`)
  if (cfg.num_replicas !== replicas) problems.push(`replicas=${cfg.num_replicas} (want ${replicas})`)
  if (cfg.retention !== RetentionPolicy.Limits) problems.push(`retention=${cfg.retention} (want limits)`)
  if (cfg.sealed) problems.push('sealed=true')
  if (cfg.mirror !== undefined || (cfg.sources?.length ?? 0) > 0) problems.push('has a mirror or sources')
  if (cfg.persist_mode !== undefined && cfg.persist_mode !== 'default' && cfg.persist_mode !== '') {
    problems.push(`persist_mode=${cfg.persist_mode} (want default: synced before the acknowledgement)`)
  }
  if (role === 'log') {
    if (cfg.max_msgs !== -1 || cfg.max_bytes !== -1 || (cfg.max_age ?? 0) !== 0 || cfg.max_msgs_per_subject !== -1) {
      problems.push(`a limit that discards entries: max_msgs=${cfg.max_msgs}, max_bytes=${cfg.max_bytes}, max_age=${cfg.max_age}, max_msgs_per_subject=${cfg.max_msgs_per_subject}`)
    }
    if ((cfg.duplicate_window ?? 0) <= 0) problems.push('duplicate_window=0 (resends after a failover would be stored twice)')
    if (cfg.allow_msg_ttl === true) problems.push('allow_msg_ttl=true')
  }
  if (problems.length > 0) {
    throw new ClusterError(
      ClusterErrorCode.streamMismatch,
      `stream ${name} is ordo's but its configuration cannot hold the log safely: ${problems.join('; ')}`,
    )
  }
}
