// Work done on a timer rather than per frame: Heartbeats with the durable gsn,
// resuming paused subscriptions whose buffer drained without a drain event,
// closing connections stalled past the slow-consumer timeout (and cutting those
// that still read nothing after the linger), and closing publishers whose held
// frames waited past the overload timeout.

import type { Connection } from './connection.js'
import type { GatewayContext } from './context.js'
import { ErrorCode } from '../codec/error-codes.js'
import { heartbeatFrame } from './wire/control-frames.js'

/** Resumes the connection's paused subscriptions when its send buffer is below the low mark. */
export function resumeIfDrained(conn: Connection): void {
  if (conn.lingerSince !== 0) {
    conn.lingerDone()
    return
  }
  if (conn.closed || conn.pausedCount === 0) return
  if (conn.ws.getBufferedAmount() > conn.ctx.limits.sendBufferLowBytes) return
  conn.stalledSince = 0
  if (conn.subs === null) return
  for (const s of conn.subs.values()) {
    if (s.paused) s.resume()
    if (conn.closed) return
  }
}

export class Housekeeping {
  private timer: ReturnType<typeof setInterval> | null = null
  private lastHeartbeat = 0

  constructor(
    private readonly ctx: GatewayContext,
    private readonly connections: Set<Connection>,
    private readonly periodMs = 1000,
  ) {}

  start(): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => this.tick(Date.now()), this.periodMs)
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  tick(now: number): void {
    const ctx = this.ctx
    const lim = ctx.limits
    const beat = now - this.lastHeartbeat >= lim.heartbeatMs
    let frame: Uint8Array | null = null
    if (beat) {
      this.lastHeartbeat = now
      frame = heartbeatFrame(ctx.engine.durableGsn, ctx.engine.stableGsn)
    }
    for (const conn of this.connections) {
      if (conn.closed) continue
      if (conn.lingerSince !== 0) {
        if (!conn.lingerDone() && now - conn.lingerSince > lim.slowConsumerLingerMs) {
          ctx.logger.warn(
            { event: 'slow_consumer_cut', conn: conn.generation, subject: conn.subject, lingeredMs: now - conn.lingerSince, buffered: conn.ws.getBufferedAmount() },
            'slow consumer cut: it read nothing after its SLOW_CONSUMER Error',
          )
          conn.ws.close()
        }
        continue
      }
      if (conn.pausedCount > 0) {
        resumeIfDrained(conn)
        if (conn.pausedCount > 0 && conn.stalledSince !== 0 && now - conn.stalledSince > lim.slowConsumerTimeoutMs) {
          conn.slowConsumer(`send buffer above its high mark for too long: ms=${now - conn.stalledSince}, max=${lim.slowConsumerTimeoutMs}`)
          continue
        }
      }
      const p = conn.pending
      if (p !== null && p.size > 0 && now - p.since > lim.overloadTimeoutMs) {
        conn.fail(ErrorCode.OVERLOADED, `overloaded: the engine took none of the held publish frames for ms=${now - p.since}; reconnect and resend`, 0)
        continue
      }
      if (frame !== null && conn.helloDone) conn.send(frame)
    }
  }
}
