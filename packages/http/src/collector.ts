// Route declaration shared by App and APIRouter: get/post/… with an optional config before the handler.
import type { Dependency } from './depends.ts'
import type { Middleware } from './middleware.ts'
import type { Handler, RouteConfig, RouteDefinition } from './route.ts'

type Register = {
  <P extends string>(path: P, handler: Handler<P, {}>): void
  <P extends string, const C extends RouteConfig>(path: P, config: C, handler: Handler<P, C>): void
}

export abstract class RouteCollector {
  protected abstract addRoute(def: RouteDefinition): void

  /** Registers a handler for one or several methods ('*' for all). */
  route<P extends string, const C extends RouteConfig>(
    methods: string | readonly string[],
    path: P,
    config: C,
    handler: Handler<P, C>,
  ): this {
    const list = (typeof methods === 'string' ? [methods] : methods).map((m) => (m === '*' ? m : m.toUpperCase()))
    this.addRoute({ methods: list, path, config, handler })
    return this
  }

  #verb(method: string): Register {
    return ((path: string, a: RouteConfig | Handler<string, {}>, b?: Handler<string, RouteConfig>) => {
      if (typeof a === 'function') this.route(method, path, {}, a)
      else this.route(method, path, a, b!)
    }) as Register
  }

  readonly get: Register = this.#verb('GET')
  readonly post: Register = this.#verb('POST')
  readonly put: Register = this.#verb('PUT')
  readonly patch: Register = this.#verb('PATCH')
  readonly delete: Register = this.#verb('DELETE')
  readonly head: Register = this.#verb('HEAD')
  readonly options: Register = this.#verb('OPTIONS')
  /** Every method. */
  readonly all: Register = this.#verb('*')
}

export interface RouterOptions {
  /** Prepended to every path of this router. */
  prefix?: string
  /** OpenAPI tags added to every route. */
  tags?: readonly string[]
  /** Dependencies run for every route of this router. */
  dependencies?: readonly Dependency<unknown>[]
}

/**
 * A group of routes with a shared prefix, tags and dependencies, included into an app (or another router).
 * @example
 * const items = new APIRouter({ prefix: '/items', tags: ['items'] })
 * items.get('/{id:int}', ({ params }) => find(params.id))
 * app.include(items)
 */
export class APIRouter extends RouteCollector {
  readonly prefix: string
  readonly tags: readonly string[]
  readonly dependencies: readonly Dependency<unknown>[]
  readonly definitions: RouteDefinition[] = []
  readonly middleware: Middleware[] = []

  constructor(options: RouterOptions = {}) {
    super()
    this.prefix = options.prefix ?? ''
    this.tags = options.tags ?? []
    this.dependencies = options.dependencies ?? []
  }

  protected addRoute(def: RouteDefinition): void {
    this.definitions.push(def)
  }

  /**
   * Adds a middleware to this router's routes only (also when included under a prefix), inside the app's
   * middleware; it sees the matched route and params. Add it before the router is included.
   */
  use(middleware: Middleware): this {
    this.middleware.push(middleware)
    return this
  }

  /** Includes another router's routes under this router's prefix. */
  include(router: APIRouter, options: RouterOptions = {}): this {
    for (const def of scoped(router, options)) this.definitions.push(def)
    return this
  }
}

/** A router's definitions with its (and the include call's) prefix, tags, dependencies and middleware applied. */
export function scoped(router: APIRouter, options: RouterOptions): RouteDefinition[] {
  const prefix = joinPath(options.prefix ?? '', router.prefix)
  const tags = [...(options.tags ?? []), ...router.tags]
  const dependencies = [...(options.dependencies ?? []), ...router.dependencies]
  return router.definitions.map((def) => ({
    ...def,
    path: joinPath(prefix, def.path),
    config: {
      ...def.config,
      tags: [...tags, ...(def.config.tags ?? [])],
      dependencies: [...dependencies, ...(def.config.dependencies ?? [])],
    },
    middleware: [...router.middleware, ...(def.middleware ?? [])],
  }))
}

export function joinPath(prefix: string, path: string): string {
  if (prefix === '' || prefix === '/') return path
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
  return path === '' || path === '/' ? p : `${p}${path.startsWith('/') ? path : `/${path}`}`
}
