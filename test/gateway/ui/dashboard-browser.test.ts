// The dashboard at /ui in a real browser (Debian chromium driven by
// playwright-core) against a real server under load: it loads without console
// errors, takes its token from the address fragment and drops it from the
// address bar, and its figures move while a publisher runs. Takes a screenshot
// into a temporary directory (removed after), or to the path in
// ORDO_DASHBOARD_SCREENSHOT: ORDO_DASHBOARD_SCREENSHOT=bench/results/dashboard.png
// renews the one README.md shows (ORDO_DASHBOARD_SECONDS=100 for fuller charts).
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { mintToken } from '../../../gateway/auth/token.js'
import { chromiumPath } from '../helpers/chromium.js'
import { Proc } from '../helpers/proc.js'
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js'

const SECRET = 'dashboard-test-secret-9f2c'
const root = fileURLToPath(new URL('../../../..', import.meta.url))
const screenshotDir = process.env.ORDO_DASHBOARD_SCREENSHOT ? null : mkdtempSync(join(tmpdir(), 'ordo-dashboard-'))
/** A path given relative is taken from the repository root (where npm test runs). */
const screenshot = screenshotDir === null ? resolve(root, process.env.ORDO_DASHBOARD_SCREENSHOT!) : join(screenshotDir, 'dashboard.png')
/** How long the load runs before the screenshot (longer: fuller charts). */
const LOAD_SECONDS = Number(process.env.ORDO_DASHBOARD_SECONDS ?? 25)

let server: ServerProcess
let load: Proc
let browser: Browser
const monitor = mintToken(SECRET, { sub: 'ops-dashboard', monitor: true })

before(async () => {
  server = await startServerProcess({ secret: SECRET, durability: 'fsync' })
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--no-sandbox', '--disable-background-networking'] })
})

after(async () => {
  load?.kill()
  await browser?.close()
  await server?.stop()
  if (screenshotDir !== null) rmSync(screenshotDir, { recursive: true, force: true })
})

test('the dashboard loads without console errors and its figures follow a running publisher', { timeout: 120_000 }, async () => {
  const problems: string[] = []
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, colorScheme: 'dark' })
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))

  // Without a token the page asks for one.
  await page.goto(`${server.httpUrl}/ui`)
  await page.waitForSelector('#tokenbar.show', { timeout: 10_000 })
  assert.match((await page.textContent('#status')) ?? '', /token needed/)
  problems.length = 0 // the 401 answers above are expected in the console

  await page.goto(`${server.httpUrl}/ui#token=${monitor}`)
  await page.waitForFunction(() => Number(document.body.dataset.polls ?? 0) >= 2, undefined, { timeout: 15_000 })
  assert.ok(!page.url().includes('token='), `the token stays out of the address bar: ${page.url()}`)
  assert.equal(await page.isVisible('#tokenbar'), false)
  const idle = await page.textContent('#kpi-seq')

  process.env.PUB_TOKEN = mintToken(SECRET, { sub: 'orders-svc', publish: ['>'] })
  process.env.SUB_TOKEN = mintToken(SECRET, { sub: 'billing', subscribe: ['orders.*', 'payments'] })
  process.env.AUDIT_TOKEN = mintToken(SECRET, { sub: 'auditor', subscribe: ['audit'] })
  load = new Proc('dashboard-load', [server.wsUrl])
  await load.waitLine((l) => /^published [1-9]/.test(l), 30_000, 'the load to start')
  await page.waitForFunction((before) => document.getElementById('kpi-seq')?.textContent !== before, idle, { timeout: 15_000 })
  const first = Number((await page.textContent('#kpi-seq'))!.replace(/,/g, ''))
  await page.waitForTimeout(3000)
  const second = Number((await page.textContent('#kpi-seq'))!.replace(/,/g, ''))
  assert.ok(second > first, `sequenced gsn moves while the publisher runs: ${first} -> ${second}`)
  assert.match((await page.textContent('#kpi-in'))!, /\/s$/)
  assert.notEqual(await page.textContent('#kpi-in'), '0/s')
  assert.match((await page.textContent('#lg-ack50'))!, /µs|ms|s$/)
  const groups = await page.textContent('#groups')
  for (const g of ['orders.eu', 'orders.us', 'payments', 'audit']) assert.ok(groups!.includes(g), `group ${g} listed: ${groups}`)
  const subs = await page.textContent('#subs')
  assert.ok(subs!.includes('billing') && subs!.includes('auditor'), `subscribers by subject: ${subs}`)
  assert.ok(subs!.includes('tentative') && subs!.includes('committed'), 'modes shown')

  await page.waitForTimeout(Math.max(0, LOAD_SECONDS * 1000 - 3000))
  mkdirSync(dirname(screenshot), { recursive: true })
  await page.screenshot({ path: screenshot, fullPage: true })
  const png = readFileSync(screenshot)
  assert.ok(png.length > 10_000 && png.subarray(1, 4).toString() === 'PNG', `a screenshot was written: ${screenshot} (${png.length} bytes)`)
  assert.deepEqual(problems, [], 'no console errors')
  assert.ok(!server.output.join('\n').includes(monitor), 'the token is in no log line')
  await page.close()
})
