// Named errors of the replicated log. `code` is stable (branch on it); the message reads
// `what went wrong: key=value, …` and says what to do where the operator can act.

export const ClusterErrorCode = {
  /** A URL in the list is malformed or uses a scheme other than nats://. */
  badUrl: 'CLUSTER_BAD_URL',
  /** No URL answered as a NATS server within the timeout. */
  unreachable: 'CLUSTER_UNREACHABLE',
  /** A server answered but is older than the oldest release cluster mode supports. */
  serverTooOld: 'CLUSTER_SERVER_TOO_OLD',
  /** A server answered but has JetStream disabled. */
  noJetStream: 'CLUSTER_NO_JETSTREAM',
  /** A stream with the log's name exists but was not created by ordo for this cluster. */
  foreignStream: 'CLUSTER_FOREIGN_STREAM',
  /** The log stream exists, is ordo's, but its configuration cannot hold the log safely. */
  streamMismatch: 'CLUSTER_STREAM_MISMATCH',
  /** Another live ordo node holds the node name. */
  duplicateNode: 'CLUSTER_DUPLICATE_NODE',
  /** This node's claim on its name was taken over by another instance. */
  nodeClaimLost: 'CLUSTER_NODE_CLAIM_LOST',
  /** An append was refused by the fence: another writer appended first (this leader is deposed or must re-check). */
  fenced: 'CLUSTER_FENCED',
  /** An append could not be stored (refused for a reason other than the fence, or no answer before the deadline). */
  appendFailed: 'CLUSTER_APPEND_FAILED',
  /** An entry is larger than the servers accept (max_payload). */
  entryTooLarge: 'CLUSTER_ENTRY_TOO_LARGE',
  /** A caller broke the API contract (bad name, bad argument, closed object). */
  badArgument: 'CLUSTER_BAD_ARGUMENT',
  /** The log holds something this code cannot interpret. */
  badEntry: 'CLUSTER_BAD_ENTRY',
  /** The object was closed. */
  closed: 'CLUSTER_CLOSED',
} as const
export type ClusterErrorCode = (typeof ClusterErrorCode)[keyof typeof ClusterErrorCode]

export class ClusterError extends Error {
  readonly code: ClusterErrorCode
  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ClusterError'
    this.code = code
  }
}

/** One URL of the list and why it was refused. */
export interface UrlProblem {
  readonly url: string
  readonly reason: string
}

export class ClusterConnectError extends ClusterError {
  readonly problems: readonly UrlProblem[]
  constructor(code: ClusterErrorCode, message: string, problems: readonly UrlProblem[]) {
    super(code, message)
    this.name = 'ClusterConnectError'
    this.problems = problems
  }
}

/**
 * The fence refused an append: the stream's last entry was not the one this writer expected, so someone else
 * appended. `expectedLastSeq` is what the writer expected, `actualLastSeq` what the server reported (0 if unknown).
 */
export class AppendFencedError extends ClusterError {
  readonly expectedLastSeq: number
  readonly actualLastSeq: number
  constructor(expectedLastSeq: number, actualLastSeq: number, detail = '') {
    super(
      ClusterErrorCode.fenced,
      `append refused by the fence (another writer appended): expectedLastSeq=${expectedLastSeq}, ` +
        `actualLastSeq=${actualLastSeq}${detail === '' ? '' : ', ' + detail}`,
    )
    this.name = 'AppendFencedError'
    this.expectedLastSeq = expectedLastSeq
    this.actualLastSeq = actualLastSeq
  }
}

export class AppendFailedError extends ClusterError {
  /** JetStream's err_code when the server refused the entry, 0 for a timeout. */
  readonly errCode: number
  constructor(message: string, errCode: number, options?: { cause?: unknown }) {
    super(ClusterErrorCode.appendFailed, message, options)
    this.name = 'AppendFailedError'
    this.errCode = errCode
  }
}

export class DuplicateNodeError extends ClusterError {
  readonly node: string
  constructor(node: string, message: string) {
    super(ClusterErrorCode.duplicateNode, message)
    this.name = 'DuplicateNodeError'
    this.node = node
  }
}
