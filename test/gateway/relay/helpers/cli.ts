// `ordo publish` and `ordo tail` as child processes: real clients, in processes
// of their own, as a user would run them against a relay.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../../../../tools/cli.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], stdin: string | null, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const t = setTimeout(() => {
      p.kill('SIGKILL')
      reject(new Error(`ordo ${args.join(' ')}: no exit within ${timeoutMs} ms; stdout tail: ${stdout.slice(-500)}; stderr: ${stderr.slice(-1000)}`))
    }, timeoutMs)
    p.on('close', (code) => {
      clearTimeout(t)
      resolve({ code, stdout, stderr })
    })
    if (stdin !== null) p.stdin.end(stdin)
    else p.stdin.end()
  })
}

/** Publishes lines prefix-i for i in [from, to) to `groups` at `url`. */
export async function publishLines(url: string, groups: string, prefix: string, from: number, to: number): Promise<void> {
  const lines: string[] = []
  for (let i = from; i < to; i++) lines.push(`${prefix}-${i}`)
  const r = await runCli(['publish', groups, '--url', url, '--quiet'], lines.join('\n') + '\n', 60_000)
  if (r.code !== 0) throw new Error(`ordo publish failed (${r.code}): ${r.stderr}`)
}

/** `ordo tail groups --from N --count M --json` at url: the JSON lines it printed. */
export async function tail(url: string, groups: string, from: number, count: number): Promise<{ gsn: string; gseqs: string[]; payload: string }[]> {
  const r = await runCli(['tail', groups, '--url', url, '--from', String(from), '--count', String(count), '--json'], null, 60_000)
  if (r.code !== 0) throw new Error(`ordo tail failed (${r.code}): ${r.stderr}`)
  return r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { gsn: string; gseqs: string[]; payload: string })
}
