// What one entry of the replicated log looks like on the stream. Constants and pure functions only.
//
//   entry = one JetStream message
//   ┌──────────────────────────────────────────────────────────────────────────────────────────────────┐
//   │ subject  ordo.<cluster>.log    (batch, heartbeat)  │  ordo.<cluster>.epoch   (EPOCH)             │
//   │ headers  Ordo-Kind: batch | heartbeat | epoch                                                      │
//   │          Ordo-Epoch: <epoch of the leader that wrote it>                                           │
//   │          Nats-Msg-Id: see below                        (JetStream dedupes resends by it)           │
//   │          Nats-Expected-Last-Sequence: <stream seq of the entry before it>   (the fence)            │
//   │ data     batch:     the journal record, byte for byte: [length][crc32c][first gsn][count]['ORDR'] │
//   │                     [batch bytes][pad]  (engine/journal/segment-descriptor.ts)                     │
//   │          heartbeat: empty                                                                          │
//   │          epoch:     JSON {"format":1,"epoch":e,"node":..,"url":..,"committedGsn":g}  (epoch-entry) │
//   └──────────────────────────────────────────────────────────────────────────────────────────────────┘
//
// Msg-Ids. JetStream checks the Msg-Id *before* the expected-last-sequence fence, and answers a known id with
// the stored entry's sequence ("duplicate"), whatever else the message says. So an id must name exactly one
// entry that one writer could ever send:
//   batch      <epoch>.<first gsn>             one leader per epoch, and it gives each gsn once
//   heartbeat  <epoch>.h<stream seq it takes>  one entry per position per epoch
//   epoch      <epoch>.e.<node>.<nonce>        two candidates race for the same epoch; with one shared id the
//                                              loser would be told "duplicate" of the winner's entry and
//                                              believe it had won
//
// Deliberately absent: Nats-Expected-Last-Msg-Id. nats-server (checked on 2.15.1) evaluates it when a
// clustered stream *applies* the entry, and a mismatch there puts the stream into a write-error state: every
// later publish times out. A refused fence must cost the refused writer only, so the fence is the
// expected-last-sequence alone, which the stream leader checks before proposing (docs/cluster.md).

export const HEADER_KIND = 'Ordo-Kind'
export const HEADER_EPOCH = 'Ordo-Epoch'
export const HEADER_MSG_ID = 'Nats-Msg-Id'
export const HEADER_EXPECTED_LAST_SEQ = 'Nats-Expected-Last-Sequence'

export const EntryKind = {
  batch: 'batch',
  heartbeat: 'heartbeat',
  /** A group name the leader gave an id: JSON {id, name}, on the log subject (ordered with batches). */
  group: 'group',
  epoch: 'epoch',
} as const
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind]

export function parseEntryKind(s: string | undefined): EntryKind | undefined {
  return s === 'batch' || s === 'heartbeat' || s === 'epoch' || s === 'group' ? s : undefined
}

export function batchMsgId(epoch: number, firstGsn: number): string {
  return `${epoch}.${firstGsn}`
}

/** A group entry: one id is given once per epoch (a resend after a refused pipeline names the same id). */
export function groupMsgId(epoch: number, id: number, seq: number): string {
  return `${epoch}.g${id}.${seq}`
}

export function heartbeatMsgId(epoch: number, seq: number): string {
  return `${epoch}.h${seq}`
}

export function epochMsgId(epoch: number, node: string, nonce: string): string {
  return `${epoch}.e.${node}.${nonce}`
}

/** Epochs and gsns are JS numbers below 2^53 (as in the journal). */
export function parseSafeUint(s: string | undefined): number {
  if (s === undefined || !/^\d{1,16}$/.test(s)) return -1
  const n = Number(s)
  return Number.isSafeInteger(n) ? n : -1
}
