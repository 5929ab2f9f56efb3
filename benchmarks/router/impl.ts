// One adapter per router behind one interface (hono's RouterInterface idea). `lookup` is what gets
// timed: it returns the router's own answer with the params materialised as an object (or, for
// koa-tree-router, its own key/value array); `read` turns that answer into a route index and string
// params for impl.test.ts, outside any timing.
import { Router } from '@fasterapi/router'
import FindMyWay from 'find-my-way'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { TrieRouter } from 'hono/router/trie-router'
import KoaTreeRouter from 'koa-tree-router'
import { Memoirist } from 'memoirist'
import { addRoute, createRouter, findRoute } from 'rou3'
import { compileRouter } from 'rou3/compiler'
import type { RouteDef } from './input.ts'

export type Lookup = (method: string, path: string) => unknown

export interface Found {
  readonly route: number
  readonly params: Record<string, string>
}

export interface Adapter {
  readonly name: string
  build(routes: readonly RouteDef[]): Lookup
  read(answer: unknown): Found | null
}

// ':name' → '{name}', '*' → '*', the catch-all reported as '*'
const toBraces = (path: string) => path.replace(/:(\w+)/g, '{$1}')

function strings(params: object | undefined | null, wildcard: string, trim = false): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params ?? {})) {
    const value = String(v)
    out[k === wildcard ? '*' : k] = k === wildcard && trim && value.startsWith('/') ? value.slice(1) : value
  }
  return out
}

function fasterapi(name: string, RouterClass: typeof Router): Adapter {
  return {
    name,
    build(routes) {
      const router = new RouterClass<number>()
      for (const [i, r] of routes.entries()) router.add(r.method, toBraces(r.path), i)
      return (method, path) => {
        const m = router.match(method, path)
        return m.status === 200 && m.params !== undefined ? m : null
      }
    },
    read(answer) {
      const m = answer as { route: { payload: number }; params: object } | null
      return m === null ? null : { route: m.route.payload, params: strings(m.params, '*') }
    },
  }
}

function findMyWay(compiled: boolean): Adapter {
  return {
    name: compiled ? 'find-my-way (compiled)' : 'find-my-way',
    build(routes) {
      const router = FindMyWay()
      for (const [i, r] of routes.entries()) router.on(r.method as 'GET', r.path, () => {}, { id: i })
      if (compiled) router.compile()
      return (method, path) => router.find(method as 'GET', path)
    },
    read(answer) {
      const m = answer as { store: { id: number }; params: object } | null
      return m === null ? null : { route: m.store.id, params: strings(m.params, '*') }
    },
  }
}

function rou3(compiled: boolean): Adapter {
  return {
    name: compiled ? 'rou3 (compiled)' : 'rou3',
    build(routes) {
      const router = createRouter<number>()
      for (const [i, r] of routes.entries()) addRoute(router, r.method, r.path.replace(/\*$/, '**:_w'), i)
      if (compiled) return compileRouter(router)
      return (method, path) => findRoute(router, method, path)
    },
    read(answer) {
      const m = answer as { data: number; params?: object } | undefined
      return m === undefined ? null : { route: m.data, params: strings(m.params, '_w') }
    },
  }
}

const memoirist: Adapter = {
  name: 'memoirist',
  build(routes) {
    const router = new Memoirist<number>()
    for (const [i, r] of routes.entries()) router.add(r.method, r.path, i)
    return (method, path) => router.find(method, path)
  },
  read(answer) {
    const m = answer as { store: number; params: object } | null
    return m === null ? null : { route: m.store, params: strings(m.params, '*') }
  },
}

// Hono's routers return every matching handler with a param stash; its Context builds the params
// object on c.req.param(). The adapter builds it for the first match, as that read would.
type HonoResult = [[number, Record<string, number | string>][], string[]?]
function hono(kind: 'RegExpRouter' | 'TrieRouter'): Adapter {
  return {
    name: `hono ${kind}`,
    build(routes) {
      const router = kind === 'RegExpRouter' ? new RegExpRouter<number>() : new TrieRouter<number>()
      for (const [i, r] of routes.entries()) router.add(r.method, r.path.replace(/\*$/, ':_w{.+}'), i)
      return (method, path) => {
        const [handlers, stash] = router.match(method, path) as unknown as HonoResult
        const first = handlers[0]
        if (first === undefined) return null
        if (stash === undefined) return first
        const params: Record<string, string> = {}
        for (const key in first[1]) params[key] = stash[first[1][key] as number]!
        return [first[0], params]
      }
    },
    read(answer) {
      const m = answer as [number, Record<string, string>] | null
      return m === null ? null : { route: m[0], params: strings(m[1], '_w') }
    },
  }
}

const koaTreeRouter: Adapter = {
  name: 'koa-tree-router',
  build(routes) {
    const router = new KoaTreeRouter()
    for (const [i, r] of routes.entries()) {
      const handler = Object.assign(() => {}, { id: i })
      router.on(r.method, r.path.replace(/\*$/, '*_w'), handler)
    }
    // find() is how its own middleware routes; its typings leave it out
    const find = (router as unknown as { find: (method: string, path: string) => unknown }).find.bind(router)
    return (method, path) => find(method, path)
  },
  read(answer) {
    const m = answer as { handle: { id: number }[] | null; params: { key: string; value: string }[] }
    if (m.handle === null) return null
    const params = Object.fromEntries(m.params.map((p) => [p.key, p.value]))
    return { route: m.handle[0]!.id, params: strings(params, '_w', true) }
  },
}

// ROUTER_MODULE names another build of ours to time in our place (index.ts's A/B mode sets it). Two
// builds of ours in one process do not compare: an A/A run of one build as two adapters read 1.8-2.3x
// apart on the param rows (they share call sites and feedback), so each build gets processes of its own.
const build = process.env.ROUTER_MODULE
const OURS = build === undefined || build === '' ? Router : ((await import(build)) as { Router: typeof Router }).Router

// BENCH_ADAPTERS, a regexp, keeps only the peers whose name it matches (ours always stays)
const keep = new RegExp(process.env.BENCH_ADAPTERS ?? '')

/** Ours first; the peers in both modes where they have two. */
export const ADAPTERS: readonly Adapter[] = [
  fasterapi('@fasterapi/router', OURS),
  findMyWay(false),
  findMyWay(true),
  rou3(false),
  rou3(true),
  memoirist,
  hono('RegExpRouter'),
  hono('TrieRouter'),
  koaTreeRouter,
].filter((adapter, i) => i === 0 || keep.test(adapter.name))
