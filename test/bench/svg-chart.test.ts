// bench/compare/svg-chart.ts renders a well-formed, self-contained SVG holding every row's label and value, with
// user text escaped.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { escapeXml, formatCount, formatMicros, renderChart, type ChartRow } from '../../bench/compare/svg-chart.js'

/** A tiny XML well-formedness check: tags balance, attributes are quoted, no raw '&' or '<' in text. */
function assertWellFormed(svg: string): void {
  const stack: string[] = []
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g
  let last = 0
  let m: RegExpExecArray | null
  while ((m = tag.exec(svg)) !== null) {
    const between = svg.slice(last, m.index)
    assert.ok(!/[<>]/.test(between), `stray markup before ${m[0]}: ${between.slice(0, 60)}`)
    assert.ok(!/&(?!(amp|lt|gt|quot|#39);)/.test(between), `unescaped & in text: ${between.slice(0, 60)}`)
    last = tag.lastIndex
    if (m[4] === '/') continue
    if (m[1] === '/') assert.equal(stack.pop(), m[2], `closing </${m[2]}> does not match`)
    else stack.push(m[2]!)
  }
  assert.deepEqual(stack, [], 'unclosed elements')
  assert.equal(svg.slice(last).trim(), '', 'text after the root element')
}

const rows: ChartRow[] = [
  { label: 'ordo ws async', kind: 'system', throughput: 1_234_567, p50_us: 850, p99_us: 12_400 },
  { label: 'ordo ws fsync', kind: 'system', throughput: 812_000, p50_us: 2_100, p99_us: 55_000 },
  { label: 'jetstream acked', kind: 'system', throughput: 18_200, p50_us: 385, p99_us: 3_600, failed: true },
  { label: 'redis <xadd> & "co"', kind: 'system', throughput: 136_000, p50_us: 420, p99_us: 1_900 },
  { label: 'limit: bare SAB ring', kind: 'limit', throughput: 8_600_000, p50_us: null, p99_us: null },
]

test('the chart is well-formed SVG with every label and value, and escapes text', () => {
  const svg = renderChart(rows, { title: 'ordo vs peers <test>', subtitle: 'machine: 2 cores & 24 GiB' })
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'))
  assertWellFormed(svg)
  assert.ok(!svg.includes('<script'), 'no script')
  assert.ok(!/href=/.test(svg), 'no external references')
  for (const r of rows) {
    assert.ok(svg.includes(escapeXml(r.label)), `label ${r.label}`)
    assert.ok(svg.includes(`${formatCount(r.throughput!)} msg/s`), `throughput of ${r.label}`)
    if (r.p50_us !== null) assert.ok(svg.includes(`p50 ${formatMicros(r.p50_us)}`), `p50 of ${r.label}`)
    if (r.p99_us !== null) assert.ok(svg.includes(`p99 ${formatMicros(r.p99_us!)}`), `p99 of ${r.label}`)
  }
  assert.ok(svg.includes('redis &lt;xadd&gt; &amp; &quot;co&quot;'))
  assert.ok(svg.includes('ordo vs peers &lt;test&gt;'))
  assert.ok(svg.includes('jetstream acked (check FAILED)'))
  // Limits appear in the throughput chart only.
  assert.equal(svg.split('limit: bare SAB ring').length - 1, 2, 'limit row: one label, one bar title')
})

test('values format as the table prints them', () => {
  assert.equal(formatCount(1_234_567), '1.23 M')
  assert.equal(formatCount(18_200), '18.2 k')
  assert.equal(formatCount(950), '950')
  assert.equal(formatMicros(850), '850 µs')
  assert.equal(formatMicros(3_600), '3.6 ms')
  assert.equal(formatMicros(1_200_000), '1.20 s')
  assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&#39;')
})

test('a chart with no measured rows is still well-formed', () => {
  assertWellFormed(renderChart([], { title: 't', subtitle: 's' }))
})
