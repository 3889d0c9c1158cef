// Shared set-up of the multi-process tests: three publishers and three
// subscribers with overlapping group sets.
import { Proc } from './proc.js'
import { checkStreams, expectedCount, registerSets, resetSets, type PublisherResult, type SubscriberResult } from './stream-check.js'

/** Publisher tag -> the group sets it cycles through (overlapping on purpose). */
export const PUBLISHER_SETS: Record<string, string[][]> = {
  A: [['g1'], ['g1', 'g2']],
  B: [['g2'], ['g2', 'g3']],
  C: [['g3', 'g1'], ['g1', 'g2', 'g3']],
}
export const SUBSCRIBER_GROUPS: string[][] = [['g1'], ['g2', 'g3'], ['g1', 'g3']]

export interface RunOptions {
  url: string
  prefix: string
  count: number
  publisherChaosMs?: number
  subscriberChaosMs?: number
  paceEvery?: number
  /** Runs while the publishers publish (e.g. kill and restart the server). */
  during?: () => Promise<void>
  timeoutMs?: number
}

export async function runPublishersAndSubscribers(o: RunOptions): Promise<{ pubs: PublisherResult[]; subs: SubscriberResult[]; violations: string[] }> {
  resetSets()
  const timeout = o.timeoutMs ?? 120_000
  const g = (names: string[]) => names.map((n) => `${o.prefix}${n}`)
  const all = g(['g1', 'g2', 'g3']).join(',')
  const subs = SUBSCRIBER_GROUPS.map((groups, i) => new Proc('subscriber', [o.url, g(groups).join(','), String(o.subscriberChaosMs ?? 0), String(100 + i), all]))
  const pubs: Proc[] = []
  try {
    for (const s of subs) await s.waitLine((l) => l === 'subscribed', 30_000, 'subscribed')
    for (const [tag, sets] of Object.entries(PUBLISHER_SETS)) {
      registerSets(tag, sets.map(g))
      pubs.push(new Proc('publisher', [o.url, tag, sets.map((s) => g(s).join(',')).join(';'), String(o.count), String(o.publisherChaosMs ?? 0), String(o.paceEvery ?? 0), String(tag.charCodeAt(0))]))
    }
    if (o.during !== undefined) {
      // Faults are meant to hit publishers mid-stream: on a loaded machine a process can take
      // over a second to start, so wait until every publisher is connected and publishing.
      for (const p of pubs) await p.waitLine((l) => l.startsWith('started '), 30_000, 'publisher started')
      await o.during()
    }
    const pubResults = await Promise.all(pubs.map((p) => p.result<PublisherResult>(timeout)))
    const subResults = await Promise.all(
      subs.map((s, i) => {
        s.send(`expect ${expectedCount(pubResults, g(SUBSCRIBER_GROUPS[i]!))}`)
        return s.result<SubscriberResult>(timeout)
      }),
    )
    return { pubs: pubResults, subs: subResults, violations: checkStreams(pubResults, subResults, { gseqFromOne: true }) }
  } finally {
    for (const p of [...pubs, ...subs]) p.kill()
  }
}
