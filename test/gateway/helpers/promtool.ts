// `promtool check metrics` (Debian package prometheus; tools/test-prereqs.sh
// installs it) on a page of Prometheus text: returns its exit code and output.
import { spawnSync } from 'node:child_process'

export function promtoolCheck(text: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  if (r.error !== undefined) throw new Error(`promtool not found (apt-get install prometheus, or bash tools/test-prereqs.sh): ${r.error.message}`)
  return { code: r.status, output: `${r.stdout}${r.stderr}` }
}
