// Plain-object shapes of the frames in codec/ordo.fbs, for the Builder-based
// helpers (codec/frames.ts) used by control paths, tests and tools. u64 fields
// are bigint at this boundary; u32 fields are numbers.

export interface WireMessage {
  gsn: bigint
  publisher: bigint
  pseq: bigint
  groups: number[]
  /** One per group; zeros in a Publish. */
  gseqs: bigint[]
  time: bigint
  payload: Uint8Array
}

export interface HelloFrame {
  type: 'Hello'
  token: string
  publisher: bigint
}
export interface WelcomeFrame {
  type: 'Welcome'
  publisher: bigint
  maxPayload: number
  maxGroups: number
  durableGsn: bigint
  /** Cluster fields (absent from a standalone server's frames: '' / 0n when decoded). */
  node?: string
  /** 'standalone', 'leader' or 'follower'. */
  role?: string
  /** The leader's client URL ('' when unknown or standalone). */
  leaderUrl?: string
  epoch?: bigint
}
export interface ResolveGroupsFrame {
  type: 'ResolveGroups'
  names: string[]
  create: boolean
  /** Group ids whose names are asked for (appended field; decoded as [] when absent). */
  ids?: number[]
}
export interface GroupsFrame {
  type: 'Groups'
  names: string[]
  ids: number[]
}
export interface PublishFrame {
  type: 'Publish'
  messages: WireMessage[]
}
export interface PublishAckFrame {
  type: 'PublishAck'
  pseqs: bigint[]
  gsns: bigint[]
}
export interface SubscribeFrame {
  type: 'Subscribe'
  id: number
  groups: number[]
  fromGsn: bigint
  tentative: boolean
  /** Durable subscription name ('' or absent: an ordinary subscription). */
  name?: string
  /** AckPolicy (codec/ack-policy.ts): 0 none, 1 explicit, 2 on delivery. */
  ackPolicy?: number
  /** Redelivery timeout of explicit acks in ms (0: the server's default). */
  ackWaitMs?: number
  /** Clusters: the leader epoch of the node that showed this tentative subscription its last messages (absent or 0: none). */
  seenEpoch?: bigint
}
export interface SubscribedFrame {
  type: 'Subscribed'
  id: number
  nextGsn: bigint
  /** The durable subscription's acknowledged gsn (0 for ordinary subscriptions). */
  ackedGsn?: bigint
}
export interface DeliverFrame {
  type: 'Deliver'
  subscription: number
  messages: WireMessage[]
  durableGsn: bigint
}
export interface UnsubscribeFrame {
  type: 'Unsubscribe'
  id: number
}
export interface AckFrame {
  type: 'Ack'
  subscription: number
  gsn: bigint
}
export interface HeartbeatFrame {
  type: 'Heartbeat'
  durableGsn: bigint
  /** The stability watermark: every durable subscription acknowledged up to it. */
  stableGsn?: bigint
}
export interface ErrorFrame {
  type: 'Error'
  code: number
  message: string
  ref: bigint
  /** With NOT_LEADER: the leader's client URL ('' when unknown). */
  leaderUrl?: string
  /** The subscription the error is about (present only when not 0). */
  subscription?: number
}
export interface WithdrawnFrame {
  type: 'Withdrawn'
  subscription: number
  fromGsn: bigint
  toGsn: bigint
}

export type WireFrame =
  | HelloFrame
  | WelcomeFrame
  | ResolveGroupsFrame
  | GroupsFrame
  | PublishFrame
  | PublishAckFrame
  | SubscribeFrame
  | SubscribedFrame
  | DeliverFrame
  | UnsubscribeFrame
  | AckFrame
  | HeartbeatFrame
  | ErrorFrame
  | WithdrawnFrame

export type WireFrameType = WireFrame['type']
/** The body fields of a frame type (what the encodeX helpers take). */
export type BodyOf<T extends WireFrameType> = Omit<Extract<WireFrame, { type: T }>, 'type'>

/** A message to publish: gsn, gseqs and time are written as zeros. */
export interface PublishMessageInit {
  publisher: bigint
  pseq: bigint
  groups: number[]
  payload: Uint8Array
}
