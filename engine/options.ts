// Engine options: defaults and validation (every bad value is refused with what was
// wrong and what is allowed).

import { resolve } from 'node:path'
import { availableParallelism } from 'node:os'
import type { Durability, EngineOptions } from './types.js'
import { EngineOptionError } from './errors.js'
import type { FileIoModule } from './journal/file-io-module.js'
import { StageTrace } from './trace/stage-trace.js'

export interface ResolvedOptions {
  dataDir: string
  durability: Durability
  asyncFsyncIntervalMs: number
  maxPayload: number
  maxGroups: number
  dedupeWindow: number
  segmentBytes: number
  retention: { maxBytes?: number; maxAgeMs?: number; capBytes?: number; capAgeMs?: number } | undefined
  durableIdleExpiryMs: number
  maxDurablesPerIdentity: number
  batchMaxMessages: number
  batchMaxBytes: number
  lingerUs: number
  ingressRingBytes: number
  sequencedRingBytes: number
  ingressSlots: number
  snapshotEveryMessages: number
  idleSpins: number
  fileIo: FileIoModule | undefined
  stageTrace: StageTrace | null
}

/** Spin budget by core count (see EngineOptions.idleSpins; measured in bench/RESULTS.md "Engine"). */
export function defaultIdleSpins(cores = availableParallelism()): number {
  return cores < 4 ? 20 : 2000
}

export const DEFAULTS = {
  dataDir: './data',
  durability: 'fsync' as Durability,
  asyncFsyncIntervalMs: 20,
  maxPayload: 1024 * 1024,
  maxGroups: 16,
  dedupeWindow: 100_000,
  segmentBytes: 256 * 1024 * 1024,
  batchMaxMessages: 4096,
  batchMaxBytes: 512 * 1024,
  lingerUs: 0,
  ingressRingBytes: 16 * 1024 * 1024,
  sequencedRingBytes: 64 * 1024 * 1024,
  ingressSlots: 8,
  snapshotEveryMessages: 1_000_000,
  durableIdleExpiryMs: 7 * 24 * 3600_000,
  maxDurablesPerIdentity: 1000,
}

function int(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new EngineOptionError(`bad option ${name}: value=${String(v)}, expected an integer in ${min}..${max}`)
  }
  return v
}

function pow2(name: string, v: number): number {
  if ((v & (v - 1)) !== 0) throw new EngineOptionError(`bad option ${name}: value=${v}, expected a power of two`)
  return v
}

export function normalizeOptions(o: EngineOptions & { ingressSlots?: number }): ResolvedOptions {
  if (o === null || typeof o !== 'object') throw new EngineOptionError('options must be an object')
  const durability = o.durability ?? DEFAULTS.durability
  if (durability !== 'fsync' && durability !== 'async' && durability !== 'memory' && durability !== 'replicated') {
    throw new EngineOptionError(`bad option durability: value=${String(durability)}, expected fsync, async, memory or replicated`)
  }
  const maxPayload = int('maxPayload', o.maxPayload ?? DEFAULTS.maxPayload, 0, 64 * 1024 * 1024)
  const ingressRingBytes = pow2('ingressRingBytes', int('ingressRingBytes', o.ingressRingBytes ?? DEFAULTS.ingressRingBytes, 64 * 1024, 2 ** 30))
  const sequencedRingBytes = pow2('sequencedRingBytes', int('sequencedRingBytes', o.sequencedRingBytes ?? DEFAULTS.sequencedRingBytes, 64 * 1024, 2 ** 30))
  // A message must fit one ingress record and one sequenced batch (half a ring each).
  const biggest = maxPayload + 16 * 12 + 256
  if (biggest > ingressRingBytes / 2 - 64 || biggest > sequencedRingBytes / 2 - 64) {
    throw new EngineOptionError(`maxPayload does not fit the rings: maxPayload=${maxPayload}, ingressRingBytes=${ingressRingBytes}, sequencedRingBytes=${sequencedRingBytes}: rings must be more than twice the largest message`)
  }
  const retention = o.retention
  if (retention !== undefined) {
    if (retention.maxBytes !== undefined) int('retention.maxBytes', retention.maxBytes, 1, Number.MAX_SAFE_INTEGER)
    if (retention.maxAgeMs !== undefined) int('retention.maxAgeMs', retention.maxAgeMs, 1, Number.MAX_SAFE_INTEGER)
    if (retention.capBytes !== undefined) int('retention.capBytes', retention.capBytes, 1, Number.MAX_SAFE_INTEGER)
    if (retention.capAgeMs !== undefined) int('retention.capAgeMs', retention.capAgeMs, 1, Number.MAX_SAFE_INTEGER)
  }
  return {
    dataDir: resolve(o.dataDir ?? DEFAULTS.dataDir),
    durability,
    asyncFsyncIntervalMs: int('asyncFsyncIntervalMs', o.asyncFsyncIntervalMs ?? DEFAULTS.asyncFsyncIntervalMs, 1, 60_000),
    maxPayload,
    maxGroups: int('maxGroups', o.maxGroups ?? DEFAULTS.maxGroups, 1, 16),
    dedupeWindow: int('dedupeWindow', o.dedupeWindow ?? DEFAULTS.dedupeWindow, 1, 100_000_000),
    segmentBytes: int('segmentBytes', o.segmentBytes ?? DEFAULTS.segmentBytes, 64 * 1024, 2 ** 40),
    retention,
    durableIdleExpiryMs: int('durableIdleExpiryMs', o.durableIdleExpiryMs ?? DEFAULTS.durableIdleExpiryMs, 100, Number.MAX_SAFE_INTEGER),
    maxDurablesPerIdentity: int('maxDurablesPerIdentity', o.maxDurablesPerIdentity ?? DEFAULTS.maxDurablesPerIdentity, 1, 1_000_000),
    batchMaxMessages: int('batchMaxMessages', o.batchMaxMessages ?? DEFAULTS.batchMaxMessages, 1, 1_000_000),
    batchMaxBytes: int('batchMaxBytes', o.batchMaxBytes ?? DEFAULTS.batchMaxBytes, 4096, sequencedRingBytes / 2 - 64),
    lingerUs: int('lingerUs', o.lingerUs ?? DEFAULTS.lingerUs, 0, 1_000_000),
    ingressRingBytes,
    sequencedRingBytes,
    snapshotEveryMessages: int('snapshotEveryMessages', o.snapshotEveryMessages ?? DEFAULTS.snapshotEveryMessages, 1, Number.MAX_SAFE_INTEGER),
    ingressSlots: int('ingressSlots', o.ingressSlots ?? DEFAULTS.ingressSlots, 1, 64),
    idleSpins: int('idleSpins', o.idleSpins ?? defaultIdleSpins(), 0, 100_000_000),
    fileIo: fileIoOption(o.fileIo),
    stageTrace: traceOption(o.stageTrace),
  }
}

function fileIoOption(v: EngineOptions['fileIo']): FileIoModule | undefined {
  if (v === undefined) return undefined
  if (v === null || typeof v !== 'object' || (typeof v.module !== 'string' && !(v.module instanceof URL))) {
    throw new EngineOptionError(`bad option fileIo: expected { module: URL or path of a module exporting createFileIo, data? }`)
  }
  return { module: String(v.module), data: v.data }
}

function traceOption(v: unknown): StageTrace | null {
  if (v === undefined || v === null) return null
  if (!(v instanceof StageTrace)) throw new EngineOptionError('bad option stageTrace: expected a StageTrace (StageTrace.create())')
  return v
}
