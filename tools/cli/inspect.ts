// `ordo inspect`: verifies a journal without changing it: every segment and
// record (CRC, gsn continuity, index state), the gsn range, and the groups
// (names from the group registry, message counts from the records).

import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MessageCursor } from '../../codec/index.js'
import { inspectJournal, openReader, type InspectReport } from '../../engine/journal/index.js'
import { GROUPS_FILE_NAME, GroupRegistry } from '../../engine/groups/index.js'
import { CommandError, parse, stderr, UsageError, type Command } from './common.js'

const help = `Usage: ordo inspect <dir> [--json] [--no-groups]

Verifies a journal without changing it (safe while the server runs): every
segment's header and records (CRC32C, gsn continuity), each index, torn tails
(what recovery would cut), stray files; prints the gsn range and the groups
with their message counts. <dir> is a data directory (ordo start --data) or the
journal directory inside it. Exit code 0 when the journal is sound, 1 when not.

Options:
  --json        the full report as JSON
  --no-groups   skip counting messages per group (that reads every record)`

function findJournalDir(dir: string): string {
  const hasSegments = (d: string) => existsSync(d) && statSync(d).isDirectory() && readdirSync(d).some((n) => n.endsWith('.seg'))
  if (hasSegments(dir)) return dir
  for (const sub of ['journal', 'log']) if (hasSegments(join(dir, sub))) return join(dir, sub)
  return dir
}

/** Group names, read from a copy of groups.log (opening the registry may repair it; the original stays untouched). */
function groupNames(dirs: string[]): Map<number, string> {
  const names = new Map<number, string>()
  for (const d of dirs) {
    const file = join(d, GROUPS_FILE_NAME)
    if (!existsSync(file)) continue
    const tmp = mkdtempSync(join(tmpdir(), 'ordo-inspect-'))
    try {
      copyFileSync(file, join(tmp, GROUPS_FILE_NAME))
      const reg = GroupRegistry.open({ dir: tmp })
      for (const [name, id] of reg.list()) names.set(id, name)
      reg.close()
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
    break
  }
  return names
}

function countGroups(journalDir: string, report: InspectReport): Map<number, number> {
  const counts = new Map<number, number>()
  if (report.records === 0) return counts
  const cursor = new MessageCursor()
  const reader = openReader(journalDir, report.firstGsn)
  const started = Date.now()
  let lastProgress = started
  let messages = 0
  try {
    for (let rec = reader.next(); rec !== null; rec = reader.next()) {
      cursor.resetBlobs(rec.bytes, rec.offset, rec.offset + rec.length)
      while (cursor.next()) {
        for (let i = 0; i < cursor.groupCount; i++) {
          const g = cursor.group(i)
          counts.set(g, (counts.get(g) ?? 0) + 1)
        }
        messages++
      }
      const now = Date.now()
      if (now - lastProgress > 1000) {
        lastProgress = now
        stderr(`ordo inspect: counting groups: gsn ${rec.firstGsn + rec.count - 1} of ${report.lastGsn} (${messages} messages)`)
      }
    }
  } catch (err) {
    stderr(`ordo inspect: group count stopped early: ${err instanceof Error ? err.message : String(err)}`)
  } finally {
    reader.close()
  }
  return counts
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'verify a journal directory: segments, records, CRC failures, gsn range, groups',
  help,
  async run(argv) {
    const { values, positionals } = parse('inspect', argv, { json: { type: 'boolean' }, 'no-groups': { type: 'boolean' } })
    if (values.help) {
      process.stdout.write(help + '\n')
      return 0
    }
    if (positionals.length !== 1) throw new UsageError('ordo inspect: name the directory, e.g. ordo inspect ./data')
    const dir = resolve(positionals[0]!)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CommandError('NO_DIR', `not a directory: ${dir}`)
    const journalDir = findJournalDir(dir)
    stderr(`ordo inspect: verifying ${journalDir}`)
    let report: InspectReport
    try {
      report = inspectJournal(journalDir)
    } catch (err) {
      throw new CommandError((err as { code?: string }).code ?? 'INSPECT_FAILED', `cannot inspect ${journalDir}: ${err instanceof Error ? err.message : String(err)}`)
    }
    const names = groupNames([dir, journalDir, resolve(journalDir, '..')])
    const counts = values['no-groups'] ? new Map<number, number>() : countGroups(journalDir, report)
    const groups = [...new Set([...names.keys(), ...counts.keys()])].sort((a, b) => a - b).map((id) => ({ id, name: names.get(id) ?? null, messages: counts.get(id) ?? 0 }))
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...report, groups }, null, 2) + '\n')
      return report.ok ? 0 : 1
    }
    const lines: string[] = []
    lines.push(`journal: ${journalDir}`)
    lines.push(`status: ${report.ok ? 'OK' : 'DAMAGED'}`)
    lines.push(`segments: ${report.segments.length}, records: ${report.records}, bytes: ${report.bytes}, CRC failures: ${report.crcFailures}`)
    lines.push(report.records > 0 ? `gsn range: ${report.firstGsn}..${report.lastGsn}` : 'gsn range: empty')
    for (const s of report.segments) {
      const extra = [
        s.header !== 'ok' ? `header=${s.header}` : '',
        s.tornTail !== null ? `torn tail at offset ${s.tornTail.offset} (${s.tornTail.bytes} bytes)` : '',
        `index=${s.index.state}`,
      ].filter((x) => x !== '')
      lines.push(`  ${s.file}: gsn ${s.firstGsn}..${s.lastGsn}, ${s.records} records, ${s.bytes} bytes, ${extra.join(', ')}`)
      for (const p of s.problems) lines.push(`    problem at offset ${p.offset} (gsn ${p.gsn}): ${p.reason}, ${p.bytes} bytes skipped`)
    }
    for (const g of report.gaps) lines.push(`  GAP: ${g.afterSegment} ends before gsn ${g.endGsn}, ${g.nextSegment} starts at ${g.nextFirstGsn}`)
    if (report.strayFiles.length > 0) lines.push(`stray files: ${report.strayFiles.join(', ')}`)
    lines.push(`groups: ${groups.length}`)
    for (const g of groups) lines.push(`  ${g.id}\t${g.name ?? '(name unknown)'}\t${values['no-groups'] ? '' : `${g.messages} message${g.messages === 1 ? '' : 's'}`}`)
    lines.push(`checked in ${report.ms.toFixed(1)} ms`)
    process.stdout.write(lines.join('\n') + '\n')
    return report.ok ? 0 : 1
  },
}
