// Runs the start-up probe on the JavaScript stand-in of
// @trufflesuite/uws-js-unofficial in a process of its own (the test runner
// would count the stand-in's own uncaught throw against the test) and prints
// {"problem": ...}; exits 0 if the process outlived the broken build.
import { createRequire } from 'node:module'
import { probeTransport } from '../../../../gateway/transport/startup-probe.js'
import type { UwsModule } from '../../../../gateway/transport/uws-api.js'

const require = createRequire(import.meta.url)
const standIn = require('@trufflesuite/uws-js-unofficial/dist/index.js') as Pick<UwsModule, 'App' | 'us_listen_socket_close' | 'us_socket_local_port'>
const mod: UwsModule = { App: () => standIn.App(), us_listen_socket_close: standIn.us_listen_socket_close, us_socket_local_port: standIn.us_socket_local_port, DISABLED: 0 }
const problem = await probeTransport(mod, 3000)
// Still alive after the build threw inside its own callbacks: do some more work before answering.
await new Promise((r) => setTimeout(r, 100))
process.stdout.write(JSON.stringify({ problem }) + '\n')
process.exit(0)
