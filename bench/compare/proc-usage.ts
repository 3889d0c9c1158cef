// CPU seconds and peak RSS of another process, read from /proc (Linux). Used to report what each server cost
// during its part of the comparison.

import { readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import type { ServerUsage } from './workload.js'

let ticksPerSecond = 0

function clockTicks(): number {
  if (ticksPerSecond === 0) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
    const n = Number(r.stdout?.trim())
    ticksPerSecond = Number.isFinite(n) && n > 0 ? n : 100
  }
  return ticksPerSecond
}

/** user + system CPU seconds of `pid` so far, or null if /proc has no such process. */
export function cpuSeconds(pid: number): number | null {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(rest[11])
  const stime = Number(rest[12])
  return (utime + stime) / clockTicks()
}

/** Peak resident set size of `pid` in bytes (VmHWM), or null. */
export function peakRssBytes(pid: number): number | null {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return null
  }
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)
  return m === null ? null : Number(m[1]) * 1024
}

/** Takes a CPU reading at construction; `finish()` gives the CPU used since and the peak RSS. Read it before the
 *  process exits: /proc forgets a process once it is reaped. */
export class UsageMeter {
  private readonly startCpu: number | null
  constructor(private readonly pid: number) {
    this.startCpu = cpuSeconds(pid)
  }
  finish(): ServerUsage {
    const now = cpuSeconds(this.pid)
    return {
      cpu_s: now === null || this.startCpu === null ? null : now - this.startCpu,
      peak_rss_bytes: peakRssBytes(this.pid),
    }
  }
}
