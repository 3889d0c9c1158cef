// Where the client connects next. The user gives one URL or several (the nodes
// of a cluster, or standby servers); the client keeps one connection and chooses
// its server here:
//
//   connect / reconnect ──▶ the leader, when one is known and publishing needs it
//                      └──▶ otherwise the given URLs in rotation: each failed attempt moves to the next
//
//   Welcome{role: 'follower', leader_url} and the client publishes ──▶ move to the leader
//   Error NOT_LEADER{leader_url}                                    ──▶ move to leader_url (or rotate when '')
//
// One connection, not one for publishing and one for reading: subscriptions
// resume from their last gsn + 1 wherever the connection goes (gsns are the same
// on every node), and unacknowledged publishes are resent under the same
// publisher id, so moving the whole connection loses and repeats nothing and
// keeps one order between a client's publishes and its other requests. A client
// that only subscribes stays on the follower it reached, where reading is cheap
// for the leader.
//
// Pure decisions, no I/O: the client asks, then acts.

import { ClientErrorCode, OrdoError } from './errors.js'

export type Role = 'standalone' | 'leader' | 'follower'

/** What to do after a Welcome. */
export type WelcomeDecision = { readonly action: 'stay' } | { readonly action: 'move'; readonly url: string }

export class Endpoints {
  private readonly urls: readonly string[]
  private index = 0
  /** The leader's URL as the last Welcome or NOT_LEADER told it ('' when none known). */
  private leader = ''
  /** Connect to the leader next (publishing needs it). */
  private toLeader = false
  /** The URL of the attempt under way (or the connection up). */
  current: string

  constructor(urls: string | readonly string[]) {
    const list = typeof urls === 'string' ? [urls] : [...urls]
    if (list.length === 0) throw new OrdoError(ClientErrorCode.BAD_ARGUMENT, 'connect needs at least one URL: urls=0')
    for (const u of list) if (typeof u !== 'string' || u === '') throw new OrdoError(ClientErrorCode.BAD_ARGUMENT, `not a URL: url=${JSON.stringify(u)}`)
    this.urls = list
    this.current = list[0]!
  }

  get all(): readonly string[] {
    return this.urls
  }

  get leaderUrl(): string {
    return this.leader
  }

  /** The URL for the next attempt. */
  next(): string {
    this.current = this.toLeader && this.leader !== '' ? this.leader : this.urls[this.index]!
    return this.current
  }

  /** An attempt failed (no Welcome): the next one goes to the next URL; a leader that cannot be reached is forgotten. */
  failed(): void {
    if (this.toLeader && this.current === this.leader) {
      this.leader = ''
      this.toLeader = false
      return
    }
    this.index = (this.index + 1) % this.urls.length
  }

  /**
   * A Welcome arrived from `current`. `publishing`: the client has messages to publish (or published before).
   * A follower that names its leader sends a publishing client there.
   */
  welcomed(role: Role, leaderUrl: string, publishing: boolean): WelcomeDecision {
    if (role === 'leader') {
      this.leader = this.current
      return { action: 'stay' }
    }
    if (role !== 'follower') return { action: 'stay' }
    if (leaderUrl !== '') this.leader = leaderUrl
    if (!publishing || leaderUrl === '' || leaderUrl === this.current) return { action: 'stay' }
    this.toLeader = true
    return { action: 'move', url: leaderUrl }
  }

  /** The client started publishing while connected to a follower. */
  publishingOnFollower(): WelcomeDecision {
    if (this.leader === '' || this.leader === this.current) return { action: 'stay' }
    this.toLeader = true
    return { action: 'move', url: this.leader }
  }

  /** The server refused publishes with NOT_LEADER; returns where the next attempt goes. */
  notLeader(leaderUrl: string): string {
    if (leaderUrl !== '' && leaderUrl !== this.current) {
      this.leader = leaderUrl
      this.toLeader = true
    } else {
      // No leader known (an election) or this node claims to be it: try the others in turn.
      this.leader = ''
      this.toLeader = false
      this.index = (this.index + 1) % this.urls.length
    }
    return this.next()
  }
}
