// The transports a test can run against in this process: the `ws` fallback
// always, and the first uWebSockets.js build that loads on this runtime.
import type { us_listen_socket, UwsModule, WebSocketBehavior, RouteHandler } from '../../../../gateway/transport/uws-api.js'
import { glibcVersion, loadUwsBuild, UWS_BUILDS } from '../../../../gateway/transport/uws-builds.js'
import { wsTransportModule } from '../../../../gateway/transport/ws-app.js'

export interface NamedTransport {
  name: string
  module: UwsModule
}

export function loadableUws(): NamedTransport | null {
  for (const b of UWS_BUILDS) {
    const r = loadUwsBuild(b)
    if (r.ok) return { name: `uws (${b.pkg})`, module: r.module }
  }
  return null
}

export function transportsHere(): NamedTransport[] {
  const uws = loadableUws()
  return [{ name: 'ws fallback', module: wsTransportModule }, ...(uws === null ? [] : [uws])]
}

function atLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number)
  const b = min.split('.').map(Number)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  }
  return true
}

/** Whether some build's binaries fit this runtime, from the builds' own declarations. */
export function uwsExpectedHere(): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64') return false
  const glibc = glibcVersion()
  if (glibc === '') return false
  return UWS_BUILDS.some((b) => b.linuxAbis.includes(process.versions.modules) && atLeast(glibc, b.minGlibc))
}

export interface Started {
  port: number
  stop(): void
}

/** An app with the given routes on 127.0.0.1 and a free port. */
export function startApp(mod: UwsModule, setup: (app: ReturnType<UwsModule['App']>) => void): Promise<Started> {
  const app = mod.App()
  setup(app)
  return new Promise((resolve, reject) => {
    app.listen('127.0.0.1', 0, mod.LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1, (s: us_listen_socket | false) => {
      if (s === false) return reject(new Error('cannot listen'))
      resolve({ port: mod.us_socket_local_port(s), stop: () => mod.us_listen_socket_close(s) })
    })
  })
}

export type { WebSocketBehavior, RouteHandler }
