// WebSocket as a route kind: the handshake is a GET route that goes through the same dispatch (middleware,
// validation, dependencies, error answers in HTTP); its answer takes the upgrade exchange over and hands
// the socket to `ws`, then the handler gets the WebSocketConnection.
import type { IncomingMessage } from 'node:http'
import { Future } from '@fasterapi/futures'
import type { RequestContext } from './context.ts'
import { HTTPException } from './errors.ts'
import type { Exchange } from './exchange.ts'
import { TakeOverResponse } from './internal/take-over.ts'
import { argsObject, type HandlerArgs, type RouteConfig } from './route.ts'
import {
  keepAlive,
  type UpgradeExchange,
  WebSocketConnection,
  type WebSocketOptions,
  webSocketServer,
} from './websocket.ts'

/** A WebSocket route's handler: the validated handshake plus the accepted connection. */
export type WebSocketHandler<P extends string, C extends RouteConfig> = (
  args: HandlerArgs<P, C> & { socket: WebSocketConnection },
) => unknown

export interface WebSocketHooks {
  track(socket: WebSocketConnection): void
  failed(error: unknown, ctx: RequestContext, message: string): void
}

/** The handshake route's handler of `app.websocket(path, config, handler)`. */
export function webSocketRoute(
  config: WebSocketOptions,
  handler: WebSocketHandler<string, RouteConfig>,
  hooks: WebSocketHooks,
): (args: HandlerArgs<string, RouteConfig>) => TakeOverResponse {
  const compression = config.compression ?? { threshold: 1024 }
  // messages below this many bytes go out uncompressed; worked out once per route, not per connection
  const threshold = compression === false ? Number.POSITIVE_INFINITY : compression.threshold
  const wss = webSocketServer({
    maxPayload: config.maxPayload ?? 1024 * 1024,
    compression,
    subprotocols: config.subprotocols,
  })
  const pingInterval = config.pingInterval ?? 30_000
  const accept = (ex: UpgradeExchange, args: HandlerArgs<string, RouteConfig>): void => {
    const ctx = args.request
    const server = wss()
    if (server instanceof Promise) {
      server.then(
        () => accept(ex, args),
        (error: unknown) => {
          hooks.failed(error, ctx, 'could not load ws')
          ex.socket.destroy()
        },
      )
      return
    }
    server.handleUpgrade(ex.req as IncomingMessage, ex.socket, ex.head, (ws) => {
      const socket = new WebSocketConnection(ws, ctx, threshold)
      hooks.track(socket)
      socket.closed.then(() => ex.finish())
      keepAlive(socket, pingInterval)
      Future.from(
        Promise.resolve().then(() => handler({ ...argsObject(args as never), socket, signal: socket.signal } as never)),
      ).catch((error: unknown) => {
        hooks.failed(error, ctx, 'websocket handler failed')
        if (socket.isOpen) socket.close(1011, 'Internal error')
      })
    })
  }
  return (args) => new TakeOverResponse((ex: Exchange) => accept(ex as UpgradeExchange, args), 101)
}

/** The handshake route refuses a request that does not ask for a WebSocket (426), before anything else runs. */
export function requireUpgrade(run: (ctx: RequestContext) => unknown): (ctx: RequestContext) => unknown {
  return (ctx) => {
    if (String(ctx.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw new HTTPException(426)
    return run(ctx)
  }
}
