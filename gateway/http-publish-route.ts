// POST /publish and POST /publish/<group>[,<group>...]: publishing over HTTP.
//
//   /publish/<groups>   the raw body, of any content type, is the payload of one
//                       message to those groups (curl -d, text/plain, binary)
//   /publish            application/json {"groups":[...],"payload":"text" | {"base64":"..."}}
//                       (optional "publisher" + "pseq"), or a binary Publish frame
//                       (application/octet-stream, application/x-flatbuffers)
//
// Each request is answered once its message is durable: {"gsn","publisher","pseq"}
// (a binary frame: {"publisher","pseqs","gsns"}). Who may publish where is the
// token's business (Authorization: Bearer, scheme name in any case); which
// publisher ids a request may use is its identity's (gateway/http-publishers.ts).
// An Idempotency-Key makes a retry safe: the key is mapped, once and durably, to
// a pseq of the identity's own key publisher, so a retry is a resend the engine
// answers with the original gsn (gateway/state/idempotency-keys.ts).

import { blobLength, BodyType, FrameWriter, verifyFrame } from '../codec/index.js'
import { bearerHint, bearerToken } from './auth/bearer.js'
import { AuthError } from './auth/auth-errors.js'
import { GroupAccess, GroupAccessCache } from './auth/group-access.js'
import type { Grants } from './auth/token.js'
import { decodeBase64Strict } from './base64-strict.js'
import type { GatewayContext } from './context.js'
import { groupNameProblemText } from '../codec/group-name.js'
import { HttpPublisher, type HttpAnswer } from './http-publisher.js'
import { groupResolveRefusal } from './group-resolve-refusal.js'
import { HttpPublishers, type PublisherRefusal } from './http-publishers.js'
import { mediaType } from './media-type.js'
import { ErrorCode } from '../codec/error-codes.js'
import { IdempotencyKeys, KeyEntry } from './state/idempotency-keys.js'

/** What the request line and headers say (read before the body arrives). */
export interface HttpPublishHead {
  authorization: string
  contentType: string
  /** The Idempotency-Key header ('' when absent). */
  idempotencyKey: string
  /** What follows /publish/ in the path, or null for POST /publish. */
  pathGroups: string | null
}

/** How the route answers; implemented over a uWS response by gateway/http-routes.ts. */
export interface HttpReplyPort {
  readonly aborted: boolean
  json(status: number, body: unknown): void
  /** {"error":{"code","name","message"}} with the code's HTTP status, or `status`. */
  error(code: number, message: string, status?: number): void
}

const Form = { raw: 1, json: 2, binary: 3 } as const
type Form = (typeof Form)[keyof typeof Form]

/** A request that passed the checks its head allows; the body comes next. */
export interface PreparedPublish {
  readonly grants: Grants
  readonly form: Form
  /** Raw form: the groups from the path. */
  readonly groups: string[]
  readonly key: string
  /** Largest body taken, and the code when it is larger. */
  readonly maxBody: number
  readonly tooLargeCode: number
}

const MAX_KEY_LENGTH = 255
/** Visible ASCII, as most idempotency-key schemes allow. */
const KEY = /^[\x21-\x7e]+$/

interface Message {
  groups: string[]
  payload: Uint8Array
  /** Explicit (publisher, pseq) of a JSON request, or null. */
  explicit: { publisher: number; pseq: number } | null
}

export class HttpPublishRoute {
  private readonly publishers: HttpPublishers

  constructor(private readonly ctx: GatewayContext) {
    this.publishers = new HttpPublishers(ctx)
  }

  /** Checks the head; null after a refusal was sent. */
  begin(head: HttpPublishHead, reply: HttpReplyPort): PreparedPublish | null {
    const ctx = this.ctx
    if (ctx.draining) {
      reply.error(ErrorCode.GOING_AWAY, 'server is shutting down: retry against the restarted server')
      return null
    }
    let grants: Grants
    try {
      grants = ctx.auth.authenticate(bearerToken(head.authorization))
    } catch (err) {
      const why = err instanceof AuthError ? err.message : String(err)
      ctx.counters.authFailures++
      // The reason names what was wrong with the token, never the token itself.
      ctx.logger.warn({ event: 'auth_failed', where: 'http', path: '/publish', code: err instanceof AuthError ? err.code : 'BAD_TOKEN', reason: why }, 'authentication failed')
      reply.error(ErrorCode.BAD_TOKEN, `${why}${bearerHint(head.authorization)}`)
      return null
    }
    const key = head.idempotencyKey
    if (key !== '' && (key.length > MAX_KEY_LENGTH || !KEY.test(key))) {
      reply.error(ErrorCode.BAD_REQUEST, `bad Idempotency-Key: length=${key.length}; use 1-${MAX_KEY_LENGTH} visible ASCII characters`)
      return null
    }
    const lim = ctx.limits
    if (head.pathGroups !== null) {
      const groups = this.pathGroups(head.pathGroups, grants, reply)
      if (groups === null) return null
      return { grants, form: Form.raw, groups, key, maxBody: lim.maxPayload, tooLargeCode: ErrorCode.PAYLOAD_TOO_LARGE }
    }
    const type = mediaType(head.contentType)
    if (type === '' || type === 'application/json') {
      return { grants, form: Form.json, groups: [], key, maxBody: lim.maxFrameBytes, tooLargeCode: ErrorCode.FRAME_TOO_LARGE }
    }
    if (type === 'application/octet-stream' || type === 'application/x-flatbuffers') {
      if (key !== '') {
        reply.error(ErrorCode.BAD_REQUEST, 'Idempotency-Key does not go with a binary Publish frame: its messages carry their own publisher and pseqs')
        return null
      }
      return { grants, form: Form.binary, groups: [], key, maxBody: lim.maxFrameBytes, tooLargeCode: ErrorCode.FRAME_TOO_LARGE }
    }
    reply.error(
      ErrorCode.BAD_REQUEST,
      `unsupported content-type: ${JSON.stringify(head.contentType.slice(0, 100))}; POST /publish takes application/json or a binary Publish frame (application/octet-stream); POST /publish/<group> takes any body as the payload`,
      415,
    )
    return null
  }

  /** The body arrived (at most maxBody bytes). */
  finish(call: PreparedPublish, body: Uint8Array, reply: HttpReplyPort): void {
    switch (call.form) {
      case Form.raw:
        this.publishOne(call, { groups: call.groups, payload: body, explicit: null }, reply)
        return
      case Form.json: {
        const m = this.parseJson(call, body, reply)
        if (m !== null) this.publishOne(call, m, reply)
        return
      }
      default:
        this.publishBinary(call, body, reply)
    }
  }

  /** Groups named in the path: comma-separated, each a valid name the token may publish to. */
  private pathGroups(text: string, grants: Grants, reply: HttpReplyPort): string[] | null {
    let decoded: string
    try {
      decoded = decodeURIComponent(text)
    } catch {
      reply.error(ErrorCode.BAD_REQUEST, `bad percent-encoding in the path: ${JSON.stringify(text.slice(0, 100))}`)
      return null
    }
    if (decoded === '') {
      reply.error(ErrorCode.EMPTY_GROUPS, 'no groups in the path: POST /publish/<group>[,<group>...]')
      return null
    }
    const groups = decoded.split(',')
    return this.checkGroups(groups, grants, reply) ? groups : null
  }

  private checkGroups(groups: unknown[], grants: Grants, reply: HttpReplyPort): boolean {
    const lim = this.ctx.limits
    if (groups.length === 0) {
      reply.error(ErrorCode.EMPTY_GROUPS, 'groups must be a non-empty list of group names')
      return false
    }
    if (groups.length > lim.maxGroups) {
      reply.error(ErrorCode.TOO_MANY_GROUPS, `too many groups: groups=${groups.length}, max=${lim.maxGroups}`)
      return false
    }
    if (new Set(groups).size !== groups.length) {
      reply.error(ErrorCode.EMPTY_GROUPS, 'groups must be distinct')
      return false
    }
    for (const g of groups) {
      const problem = groupNameProblemText(g)
      if (problem !== '') {
        reply.error(ErrorCode.BAD_GROUP_NAME, problem)
        return false
      }
      // By name alone (the client chose it): it says nothing about which groups exist.
      if (!grants.canPublish(g as string)) {
        reply.error(ErrorCode.FORBIDDEN_GROUP, `forbidden group: group=${g as string}, token does not allow publishing to it`)
        return false
      }
    }
    return true
  }

  private parseJson(call: PreparedPublish, body: Uint8Array, reply: HttpReplyPort): Message | null {
    let j: Record<string, unknown>
    try {
      const v: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'))
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object')
      j = v as Record<string, unknown>
    } catch (err) {
      reply.error(ErrorCode.BAD_REQUEST, `body is not a JSON object: ${(err as Error).message}; expected {"groups":["a"],"payload":"text"}`)
      return null
    }
    const groups = j.groups
    if (!Array.isArray(groups)) {
      reply.error(ErrorCode.EMPTY_GROUPS, 'groups must be a non-empty list of group names')
      return null
    }
    if (!this.checkGroups(groups, call.grants, reply)) return null
    let payload: Uint8Array
    const p = j.payload
    if (typeof p === 'string') payload = new TextEncoder().encode(p)
    else if (typeof p === 'object' && p !== null && typeof (p as { base64?: unknown }).base64 === 'string') {
      const b64 = (p as { base64: string }).base64
      const bytes = decodeBase64Strict(b64)
      if (bytes === null) {
        reply.error(ErrorCode.BAD_REQUEST, `payload.base64 is not base64: length=${b64.length}; use the standard or URL-safe alphabet, padding optional`)
        return null
      }
      payload = bytes
    } else if (p === undefined) payload = new Uint8Array(0)
    else {
      reply.error(ErrorCode.BAD_REQUEST, 'payload must be a string or {"base64": "..."}')
      return null
    }
    const hasIdentity = j.publisher !== undefined || j.pseq !== undefined
    if (hasIdentity && !(isId(j.publisher) && isId(j.pseq))) {
      reply.error(ErrorCode.BAD_REQUEST, 'publisher and pseq go together: both positive integers below 2^53')
      return null
    }
    if (hasIdentity && call.key !== '') {
      reply.error(ErrorCode.BAD_REQUEST, 'Idempotency-Key and "publisher"/"pseq" are two ways to retry safely: use one')
      return null
    }
    return { groups: groups as string[], payload, explicit: hasIdentity ? { publisher: j.publisher as number, pseq: j.pseq as number } : null }
  }

  private publishOne(call: PreparedPublish, m: Message, reply: HttpReplyPort): void {
    const ctx = this.ctx
    if (m.payload.length > ctx.limits.maxPayload) {
      reply.error(ErrorCode.PAYLOAD_TOO_LARGE, `payload too large: size=${m.payload.length}, max=${ctx.limits.maxPayload}`)
      return
    }
    // The token may publish to every name (checked): creating them is allowed. A disk
    // that refuses to record a new group answers DISK_FULL / JOURNAL_IO (retry later).
    let ids: number[]
    try {
      ids = ctx.engine.resolveGroupIds(m.groups, true)
    } catch (err) {
      const refusal = groupResolveRefusal(err)
      reply.error(refusal.code, refusal.message)
      return
    }
    const identity = call.grants.identity
    if (call.key !== '') {
      this.publishKeyed(identity, call.key, m, ids, reply)
      return
    }
    const pub = m.explicit !== null ? this.publishers.named(m.explicit.publisher, identity) : this.publishers.gateway()
    if (!(pub instanceof HttpPublisher)) return refuse(reply, pub)
    const pseq = m.explicit !== null ? m.explicit.pseq : pub.nextPseq++
    pub.publish(messageFrame(pub.publisher, pseq, ids, m.payload), [pseq], [this.answer(pub, reply)])
  }

  /** An Idempotency-Key request: a known key is a resend of its (publisher, pseq); a new one takes the next pseq once on disk. */
  private publishKeyed(identity: string, key: string, m: Message, ids: number[], reply: HttpReplyPort): void {
    const keys = this.ctx.keys
    const digest = IdempotencyKeys.keyDigest(identity, key)
    const content = IdempotencyKeys.contentDigest(m.groups, m.payload)
    const known = keys.get(digest)
    if (known !== undefined) {
      if (known.content !== content) {
        reply.error(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'Idempotency-Key already used for a request with other groups or another payload: the first request stands; use a new key for a new message')
        return
      }
      const pub = this.publishers.named(known.publisher, identity)
      if (!(pub instanceof HttpPublisher)) return refuse(reply, pub)
      const answer = this.keyedAnswer(pub, known, m, ids, reply, true)
      // On its way (or its key still being written): share the answer the first request gets.
      if (!pub.join(known.pseq, answer)) pub.publish(messageFrame(pub.publisher, known.pseq, ids, m.payload), [known.pseq], [answer])
      return
    }
    const pub = this.publishers.forKeys(identity)
    if (!(pub instanceof HttpPublisher)) return refuse(reply, pub)
    const pseq = pub.nextPseq++
    const entry = new KeyEntry(digest, identity, pub.publisher, pseq, content)
    pub.expect(pseq, this.keyedAnswer(pub, entry, m, ids, reply, true))
    keys.add(entry, (err) => this.afterKeyWritten(pub, pseq, ids, m.payload, err))
  }

  private afterKeyWritten(pub: HttpPublisher, pseq: number, ids: number[], payload: Uint8Array, err: Error | null): void {
    if (err === null) {
      pub.send(messageFrame(pub.publisher, pseq, ids, payload), [pseq])
      return
    }
    // The pseq was never offered: later keys of this publisher would wait behind the hole.
    pub.broken = true
    while (pub.isWaiting(pseq)) pub.refuse(pseq, ErrorCode.INTERNAL, `cannot record the Idempotency-Key, the message was not published: ${err.message}`)
  }

  /**
   * Answers a keyed request. A PSEQ_GAP means its pseq was never sequenced (a
   * crash took it with the messages before it): the key moves, once, to the next
   * pseq of the identity's current key publisher.
   */
  private keyedAnswer(pub: HttpPublisher, entry: KeyEntry, m: Message, ids: number[], reply: HttpReplyPort, mayMove: boolean): HttpAnswer {
    return {
      ok: (pseq, gsn) => {
        reply.json(200, { gsn, publisher: pub.publisher, pseq })
        this.publishers.settle(pub)
      },
      refused: (code, message) => {
        this.publishers.settle(pub)
        if (code !== ErrorCode.PSEQ_GAP || !mayMove) {
          reply.error(code, message)
          return
        }
        if (entry.publisher !== pub.publisher) {
          // A request that shared this answer moved the key already: share its next answer.
          const moved = this.publishers.named(entry.publisher, entry.identity)
          if (moved instanceof HttpPublisher && moved.join(entry.pseq, this.keyedAnswer(moved, entry, m, ids, reply, false))) return
          reply.error(code, message)
          return
        }
        const next = this.publishers.forKeys(entry.identity)
        if (!(next instanceof HttpPublisher)) return refuse(reply, next)
        const pseq = next.nextPseq++
        next.expect(pseq, this.keyedAnswer(next, entry, m, ids, reply, false))
        this.ctx.keys.move(entry, next.publisher, pseq, (err) => this.afterKeyWritten(next, pseq, ids, m.payload, err))
      },
    }
  }

  private answer(pub: HttpPublisher, reply: HttpReplyPort): HttpAnswer {
    return {
      ok: (pseq, gsn) => {
        reply.json(200, { gsn, publisher: pub.publisher, pseq })
        this.publishers.settle(pub)
      },
      refused: (code, message) => {
        reply.error(code, message)
        this.publishers.settle(pub)
      },
    }
  }

  private publishBinary(call: PreparedPublish, body: Uint8Array, reply: HttpReplyPort): void {
    const ctx = this.ctx
    const v = ctx.verdict
    if (verifyFrame(body, 0, body.length, ctx.verifierLimits, v) !== 0) return reply.error(ErrorCode.BAD_FRAME, `bad frame: ${v.toString()}`)
    if (v.bodyType !== BodyType.Publish) return reply.error(ErrorCode.UNEXPECTED_FRAME, `POST /publish takes a Publish frame: got body=${v.bodyTypeName}`)
    const access = new GroupAccessCache(call.grants, (id) => ctx.engine.groupName(id))
    const cursor = ctx.cursor
    if (cursor.reset(body, 0, body.length) <= 0) return reply.json(200, { publisher: 0, pseqs: [], gsns: [] })
    let publisher = -1
    let stored = 0
    const pseqs: number[] = []
    const lim = ctx.limits
    while (cursor.next()) {
      if (publisher === -1) publisher = cursor.publisher
      if (cursor.publisher !== publisher || publisher === 0) return reply.error(ErrorCode.BAD_PUBLISHER, 'every message needs the same non-zero publisher id')
      if (cursor.pseq === 0) return reply.error(ErrorCode.PSEQ_GAP, 'pseqs count from 1')
      if (cursor.payloadLength > lim.maxPayload) return reply.error(ErrorCode.PAYLOAD_TOO_LARGE, `payload too large: pseq=${cursor.pseq}, size=${cursor.payloadLength}, max=${lim.maxPayload}`)
      if (cursor.groupCount > lim.maxGroups) return reply.error(ErrorCode.TOO_MANY_GROUPS, `too many groups: pseq=${cursor.pseq}, groups=${cursor.groupCount}, max=${lim.maxGroups}`)
      for (let i = 0; i < cursor.groupCount; i++) {
        const g = cursor.group(i)
        const bits = access.get(g)
        // An id the token may not see is answered exactly like an id that does not exist (G7).
        if ((bits & GroupAccess.EXISTS) === 0 || (bits & GroupAccess.VISIBLE) === 0) return reply.error(ErrorCode.UNKNOWN_GROUP, `unknown group: pseq=${cursor.pseq}, group_id=${g}`)
        if ((bits & GroupAccess.PUBLISH) === 0) return reply.error(ErrorCode.FORBIDDEN_GROUP, `forbidden group: pseq=${cursor.pseq}, group_id=${g}, token does not allow publishing to it`)
      }
      stored += cursor.isCanonical ? cursor.blobLength : blobLength(cursor.groupCount, cursor.payloadLength)
      pseqs.push(cursor.pseq)
    }
    if (stored > ctx.engine.maxOfferBytes) {
      return reply.error(ErrorCode.FRAME_TOO_LARGE, `frame too large for the engine: its messages take bytes=${stored} stored, max=${ctx.engine.maxOfferBytes}; send fewer or smaller messages per frame`)
    }
    const pub = this.publishers.named(publisher, call.grants.identity)
    if (!(pub instanceof HttpPublisher)) return refuse(reply, pub)
    const gsns: number[] = new Array(pseqs.length).fill(0)
    let left = pseqs.length
    let failed = false
    const answers: HttpAnswer[] = pseqs.map((_, i) => ({
      ok: (_p, gsn) => {
        gsns[i] = gsn
        if (--left === 0) {
          if (!failed) reply.json(200, { publisher, pseqs, gsns })
          this.publishers.settle(pub)
        }
      },
      refused: (code, message) => {
        if (!failed) reply.error(code, message)
        failed = true
        if (--left === 0) this.publishers.settle(pub)
      },
    }))
    pub.publish(body, pseqs, answers)
  }
}

function refuse(reply: HttpReplyPort, r: PublisherRefusal): void {
  reply.error(r.code, r.message)
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0
}

/** A one-message Publish frame (its own buffer: it may be held while the ingress is full). */
function messageFrame(publisher: number, pseq: number, ids: number[], payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(256 + payload.length + 12 * ids.length)
  const w = new FrameWriter(frame)
  w.beginPublish(0, 1)
  w.addMessage(publisher, pseq, ids, ids.length, payload, 0, payload.length)
  return frame.subarray(0, w.finish())
}
