// Prints whether a uWebSockets.js build loads under this Node (no probe): the
// expectation the runtime test compares the server's choice with.
import { loadUwsBuild, UWS_BUILDS } from '../../../gateway/transport/uws-builds.js'

const results = UWS_BUILDS.map(loadUwsBuild)
process.stdout.write(JSON.stringify({ loads: results.some((r) => r.ok), problems: results.flatMap((r) => (r.ok ? [] : [r.problem])) }) + '\n')
