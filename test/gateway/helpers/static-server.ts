// Serves the browser test page, the compiled modules under dist/ and the
// flatbuffers ES modules, bundle-free, from the repository root.
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../../', import.meta.url))
const page = join(root, 'test', 'gateway', 'client', 'browser', 'page.html')

export async function startStaticServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!))
    const allowed = path.startsWith('/dist/') || path.startsWith('/node_modules/flatbuffers/')
    const file = path === '/' || path === '/index.html' ? page : allowed && path.endsWith('.js') ? join(root, path) : null
    if (file === null || path.includes('..')) {
      res.writeHead(404).end()
      return
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'text/javascript' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  return { server, port: typeof addr === 'object' && addr !== null ? addr.port : 0 }
}
