// The dashboard's script: polls the admin API once a second and draws what an
// operator watches: rates, watermarks, latency charts, groups, subscribers by
// lag, errors, the process, and the cluster when there is one. Rates and latency
// quantiles come from the difference between two readings of the counters and
// histograms, so the page needs no server-side state of its own.
//
// The token: given once in the address as /ui#token=<token> (a fragment is
// never sent to the server, so it appears in no request line or log), or pasted
// into the bar the page shows after a 401/403. It is kept in sessionStorage (this
// tab only), dropped from the address bar at once, and sent only as
// `Authorization: Bearer` to /api/*. In open mode no token is needed.

import type { ClusterDoc, GroupDoc, PageDoc, StatsDoc, SubscriberDoc } from '../../admin/admin-types.js'
import { bytes, duration, exact, rate, si, uptime } from './format.js'
import { LineChart } from './line-chart.js'
import { quantileBetween } from './quantiles.js'

const POLL_MS = 1000
const WINDOW_POINTS = 300
const TOKEN_KEY = 'ordo.token'

const $ = (id: string): HTMLElement => document.getElementById(id)!

function takeToken(): string {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash)
  if (m !== null) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]!))
    history.replaceState(null, '', location.pathname + location.search)
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

let token = takeToken()

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

async function api<T>(path: string): Promise<T> {
  const headers: Record<string, string> = token !== '' ? { authorization: `Bearer ${token}` } : {}
  const r = await fetch(path, { headers, cache: 'no-store' })
  if (!r.ok) {
    let message = `${r.status}`
    try {
      message = ((await r.json()) as { error?: { message?: string } }).error?.message ?? message
    } catch {
      /* not JSON */
    }
    throw new HttpStatusError(r.status, message)
  }
  return (await r.json()) as T
}

// ---- KPI tiles ---------------------------------------------------------------------

const KPIS: [string, string][] = [
  ['in', 'publish'],
  ['out', 'deliver'],
  ['acks', 'acks'],
  ['fsync', 'fsyncs'],
  ['seq', 'sequenced gsn'],
  ['dur', 'durable gsn'],
  ['dist', 'seq − durable'],
  ['conns', 'connections'],
  ['subs', 'subscriptions'],
  ['maxlag', 'max lag'],
  ['groups', 'groups'],
  ['journal', 'journal'],
]

function buildKpis(): void {
  const box = $('kpis')
  for (const [id, label] of KPIS) {
    const d = document.createElement('div')
    d.className = 'kpi'
    d.innerHTML = `<div class="k">${label}</div><div class="v" id="kpi-${id}">–</div>`
    box.appendChild(d)
  }
}

function kpi(id: string, text: string, level: '' | 'warn' | 'bad' = ''): void {
  const el = $(`kpi-${id}`)
  el.textContent = text
  el.className = `v${level === '' ? '' : ' ' + level}`
}

// ---- tables ------------------------------------------------------------------------

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

function rows(tbody: HTMLElement, html: string[], empty: string, cols: number): void {
  tbody.innerHTML = html.length > 0 ? html.join('') : `<tr><td class="empty" colspan="${cols}">${empty}</td></tr>`
}

// ---- state between polls -----------------------------------------------------------

let prev: StatsDoc | null = null
let prevGroups = new Map<number, number>()
let polls = 0
let lastOk = 0

const charts = {
  rate: null as LineChart | null,
  ack: null as LineChart | null,
  del: null as LineChart | null,
  fsync: null as LineChart | null,
}

function setupCharts(): void {
  charts.rate = new LineChart($('ch-rate') as HTMLCanvasElement, [{ label: 'publish', colorVar: '--c1' }, { label: 'deliver', colorVar: '--c2' }], WINDOW_POINTS, si)
  charts.ack = new LineChart($('ch-ack') as HTMLCanvasElement, [{ label: 'p50', colorVar: '--c1' }, { label: 'p99', colorVar: '--c2' }], WINDOW_POINTS, duration, true)
  charts.del = new LineChart($('ch-del') as HTMLCanvasElement, [{ label: 'p50', colorVar: '--c1' }, { label: 'p99', colorVar: '--c2' }], WINDOW_POINTS, duration, true)
  charts.fsync = new LineChart($('ch-fsync') as HTMLCanvasElement, [{ label: 'p50', colorVar: '--c1' }, { label: 'p99', colorVar: '--c2' }], WINDOW_POINTS, duration, true)
}

function perSecond(cur: number, old: number | undefined, seconds: number): number {
  return old === undefined || seconds <= 0 ? NaN : Math.max(0, (cur - old) / seconds)
}

function render(s: StatsDoc, groups: PageDoc<GroupDoc>, subs: PageDoc<SubscriberDoc>): void {
  const dt = prev === null ? 0 : (s.time - prev.time) / 1000
  const c = s.counters
  const p = prev?.counters
  const inRate = perSecond(c.messagesIn, p?.messagesIn, dt)
  const outRate = perSecond(c.messagesOut, p?.messagesOut, dt)
  const ackRate = perSecond(c.publishAcks, p?.publishAcks, dt)
  const fsRate = perSecond(c.fsyncs, p?.fsyncs, dt)
  const srv = s.server

  $('meta').innerHTML = [
    `<b>v${esc(srv.version)}</b>`,
    `<b>${esc(srv.host)}:${srv.port}</b>`,
    `durability <b>${esc(srv.durability)}</b>`,
    `auth <b>${srv.auth === 'open' ? 'open (no tokens)' : 'tokens'}</b>`,
    `up <b class="num">${uptime(srv.uptimeSeconds)}</b>`,
    `${esc(srv.transportImplementation)} · node ${esc(srv.node)}`,
  ].join(' · ')

  kpi('in', Number.isNaN(inRate) ? '–' : rate(inRate))
  kpi('out', Number.isNaN(outRate) ? '–' : rate(outRate))
  kpi('acks', Number.isNaN(ackRate) ? '–' : rate(ackRate))
  kpi('fsync', Number.isNaN(fsRate) ? '–' : rate(fsRate))
  kpi('seq', exact(s.watermarks.sequencedGsn))
  kpi('dur', exact(s.watermarks.durableGsn))
  const dist = s.watermarks.distance
  kpi('dist', exact(dist), dist > 100_000 ? 'bad' : dist > 10_000 ? 'warn' : '')
  kpi('conns', exact(s.gauges.connections))
  kpi('subs', s.gauges.pausedSubscriptions > 0 ? `${exact(s.gauges.subscriptions)} (${s.gauges.pausedSubscriptions} paused)` : exact(s.gauges.subscriptions), s.gauges.pausedSubscriptions > 0 ? 'warn' : '')
  kpi('maxlag', exact(s.gauges.maxSubscriberLag), s.gauges.maxSubscriberLag > 100_000 ? 'bad' : s.gauges.maxSubscriberLag > 10_000 ? 'warn' : '')
  kpi('groups', exact(s.gauges.groups))
  kpi('journal', s.journal === null ? 'memory' : bytes(s.journal.bytes))
  $('kpi-journal').title = s.journal === null ? 'no journal (memory mode)' : `${s.journal.segments} segment(s), ${exact(s.journal.appendedBytes)} bytes appended since start`

  const l = s.latency
  const ack50 = quantileBetween(prev?.latency.publishAck ?? null, l.publishAck, 0.5)
  const ack99 = quantileBetween(prev?.latency.publishAck ?? null, l.publishAck, 0.99)
  const del50 = quantileBetween(prev?.latency.deliver ?? null, l.deliver, 0.5)
  const del99 = quantileBetween(prev?.latency.deliver ?? null, l.deliver, 0.99)
  const fs50 = quantileBetween(prev?.latency.fsync ?? null, l.fsync, 0.5)
  const fs99 = quantileBetween(prev?.latency.fsync ?? null, l.fsync, 0.99)
  if (prev !== null) {
    charts.rate!.push([inRate, outRate])
    charts.ack!.push([ack50, ack99])
    charts.del!.push([del50, del99])
    charts.fsync!.push([fs50, fs99])
  }
  for (const ch of Object.values(charts)) ch!.draw()
  $('lg-in').textContent = Number.isNaN(inRate) ? '–' : rate(inRate)
  $('lg-out').textContent = Number.isNaN(outRate) ? '–' : rate(outRate)
  $('lg-fs').textContent = Number.isNaN(fsRate) ? '–' : rate(fsRate)
  $('lg-ack50').textContent = duration(charts.ack!.latest(0))
  $('lg-ack99').textContent = duration(charts.ack!.latest(1))
  $('lg-del50').textContent = duration(charts.del!.latest(0))
  $('lg-del99').textContent = duration(charts.del!.latest(1))
  $('lg-fs50').textContent = duration(charts.fsync!.latest(0))
  $('lg-fs99').textContent = duration(charts.fsync!.latest(1))
  $('lg-dist').textContent = exact(dist)

  // Groups: busiest first (rate, then latest gseq).
  const nextGroups = new Map<number, number>()
  const withRate = groups.items.map((g) => {
    nextGroups.set(g.id, g.messages)
    return { g, r: perSecond(g.messages, prevGroups.get(g.id), dt) }
  })
  prevGroups = nextGroups
  withRate.sort((a, b) => (b.r || 0) - (a.r || 0) || b.g.lastGseq - a.g.lastGseq)
  $('groups-count').textContent = `${exact(groups.total)} total`
  rows(
    $('groups'),
    withRate.map(({ g, r }) => `<tr><td title="${esc(g.name)}">${esc(g.name)}</td><td class="n">${g.id}</td><td class="n">${Number.isNaN(r) ? '–' : si(r)}</td><td class="n">${exact(g.lastGseq)}</td><td class="n">${g.subscriptions}</td></tr>`),
    'no groups yet',
    5,
  )

  $('subs-count').textContent = `${exact(subs.total)} total`
  rows(
    $('subs'),
    subs.items.map((x) => {
      const state = x.paused ? '<span class="tag paused">paused</span>' : x.live ? '<span class="tag live">live</span>' : '<span class="tag catchup">catch-up</span>'
      // tentative: sees messages before they are durable; otherwise committed only. A durable
      // subscription (stored position) shows its name.
      const mode = x.tentative ? '<span class="tag tentative">tentative</span>' : x.durable !== null ? `<span class="tag" title="durable subscription">durable ${esc(x.durable)}</span>` : '<span class="tag">committed</span>'
      return `<tr><td title="${esc(x.subject)}">${esc(x.subject || '–')}</td><td class="num">${x.connection}/${x.subscription}</td><td title="${esc(x.groups.join(', '))}">${esc(x.groups.join(', '))}</td><td>${mode}</td><td>${state}</td><td class="n">${exact(x.lag)}</td><td class="n">${exact(x.nextGsn)}</td></tr>`
    }),
    'no subscribers',
    7,
  )

  const prevErr = new Map((prev?.errors ?? []).map((e) => [e.code, e.count]))
  rows(
    $('errors'),
    s.errors.filter((e) => e.count > 0).sort((a, b) => b.count - a.count).map((e) => {
      const r = perSecond(e.count, prevErr.get(e.code), dt)
      return `<tr><td>${e.code} ${esc(e.name)}</td><td class="n">${exact(e.count)}</td><td class="n">${Number.isNaN(r) ? '–' : si(r)}</td></tr>`
    }),
    'no errors since start',
    3,
  )

  const rt = s.runtime
  const cpu = prev === null || dt <= 0 ? NaN : ((rt.cpuSeconds - prev.runtime.cpuSeconds) / dt) * 100
  const gcRate = perSecond(rt.gcCount, prev?.runtime.gcCount, dt)
  $('runtime').innerHTML = [
    ['CPU', Number.isNaN(cpu) ? '–' : `${cpu.toFixed(0)} %`],
    ['RSS', bytes(rt.rssBytes)],
    ['heap', `${bytes(rt.heapUsedBytes)} / ${bytes(rt.heapTotalBytes)}`],
    ['event loop p99', duration(rt.eventLoopDelayP99Seconds)],
    ['GC', Number.isNaN(gcRate) ? '–' : `${si(gcRate)}/s · ${duration(rt.gcSeconds)} total`],
    ['open files', exact(rt.openFds)],
    ['retention removed', s.journal === null ? '–' : `${s.journal.retentionRemovedSegments} seg · ${bytes(s.journal.retentionRemovedBytes)}`],
  ].map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')

  renderCluster(s.cluster)
  prev = s
}

function renderCluster(cluster: ClusterDoc | undefined): void {
  const panel = $('cluster-panel')
  if (cluster === undefined) {
    panel.className = 'panel'
    return
  }
  panel.className = 'panel show'
  rows(
    $('cluster'),
    cluster.nodes.map((n) => `<tr><td>${esc(n.name)}${n.name === cluster.node ? ' (this)' : ''}</td><td>${esc(n.role)}</td><td class="n">${exact(n.epoch)}</td><td class="n">${exact(n.appliedGsn)}</td><td class="n">${exact(n.lagMessages)}</td><td>${esc(n.url ?? '')}</td></tr>`),
    'no nodes',
    6,
  )
}

function status(kind: 'live' | 'stale' | 'down', text: string): void {
  const el = $('status')
  el.className = kind
  el.textContent = text
}

function askToken(message: string): void {
  $('tokenmsg').textContent = message
  $('tokenbar').className = 'show'
}

async function poll(): Promise<void> {
  try {
    const [s, groups, subs] = await Promise.all([
      api<StatsDoc>('/api/stats'),
      api<PageDoc<GroupDoc>>('/api/groups?limit=1000'),
      api<PageDoc<SubscriberDoc>>('/api/subscribers?sort=lag&limit=200'),
    ])
    render(s, groups, subs)
    polls++
    lastOk = Date.now()
    document.body.dataset.polls = String(polls)
    status('live', `live · ${new Date(s.time).toLocaleTimeString()}`)
    $('tokenbar').className = ''
  } catch (err) {
    if (err instanceof HttpStatusError && (err.status === 401 || err.status === 403)) {
      status('down', err.status === 401 ? 'token needed' : 'token lacks monitor')
      askToken(err.message)
    } else {
      status(Date.now() - lastOk < 5000 ? 'stale' : 'down', lastOk === 0 ? 'unreachable' : 'reconnecting')
    }
  } finally {
    setTimeout(() => void poll(), POLL_MS)
  }
}

function main(): void {
  buildKpis()
  setupCharts()
  // A link with a new #token= opened in this tab changes only the fragment: no reload.
  window.addEventListener('hashchange', () => {
    token = takeToken()
  })
  $('tokenbar').addEventListener('submit', (ev) => {
    ev.preventDefault()
    const v = ($('tokeninput') as HTMLInputElement).value.trim()
    if (v === '') return
    token = v
    sessionStorage.setItem(TOKEN_KEY, v)
    ;($('tokeninput') as HTMLInputElement).value = ''
    $('tokenbar').className = ''
  })
  window.addEventListener('resize', () => {
    for (const ch of Object.values(charts)) ch?.draw()
  })
  void poll()
}

main()
