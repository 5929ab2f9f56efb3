// `app.mcp(options)`: the method form of `mcp(app, options)`. @fasterapi/http must not depend on this package,
// so the method is added from here: the `declare module` below types it on every `App` (the umbrella's
// re-export included), and importing this package installs it on `App.prototype`, once.
import { App } from '@fasterapi/http'
import { McpConfigError } from './errors.ts'
import { type McpServer, mcp } from './mcp.ts'
import type { McpOptions } from './options.ts'

declare module '@fasterapi/http' {
  interface App {
    /**
     * Serves this app's routes as MCP tools at `options.path` ('/mcp'): the same as `mcp(app, options)`.
     * Available once `@fasterapi/mcp` (or `fasterapi/mcp`) is imported anywhere in the process.
     * @example
     * import 'fasterapi/mcp'
     * const server = app.mcp({ path: '/mcp', exclude: { tags: ['admin'] } })
     */
    mcp(options?: McpOptions): McpServer
  }
}

// marks our method, so a second copy of this module (two installed versions) recognises it
const kAppMcp = Symbol.for('@fasterapi/mcp.appMcp')

function appMcp(this: App, options?: McpOptions): McpServer {
  return mcp(this, options)
}
Object.defineProperty(appMcp, kAppMcp, { value: true })

/** Adds `mcp()` to `App.prototype`; a second call (a second copy of this module) keeps the first. */
export function installAppMcp(): void {
  const existing = Object.getOwnPropertyDescriptor(App.prototype, 'mcp')
  if (existing !== undefined) {
    // two copies of @fasterapi/mcp in one process install the same behaviour; anything else is a clash
    if ((existing.value as { [kAppMcp]?: true } | undefined)?.[kAppMcp] === true) return
    throw new McpConfigError('App.prototype.mcp is already defined by something other than @fasterapi/mcp')
  }
  Object.defineProperty(App.prototype, 'mcp', { value: appMcp, writable: true, configurable: true, enumerable: false })
}

installAppMcp()
