// The route sets and lookups every adapter is timed on. Patterns are written once in the ':name' / '*'
// style of the go benchmarks; each adapter translates them to its own syntax.
import { readFileSync } from 'node:fs'

export interface RouteDef {
  readonly method: string
  readonly path: string
}

export interface Lookup {
  readonly name: string
  readonly method: string
  readonly path: string
  // index into the route set, or -1 for a miss; params as strings, the catch-all under '*'
  readonly route: number
  readonly params: Readonly<Record<string, string>>
}

// delvedor/router-benchmark, the set find-my-way, rou3, memoirist and hono publish numbers for
export const CLASSIC: readonly RouteDef[] = [
  { method: 'GET', path: '/user' },
  { method: 'GET', path: '/user/comments' },
  { method: 'GET', path: '/user/avatar' },
  { method: 'GET', path: '/user/lookup/username/:username' },
  { method: 'GET', path: '/user/lookup/email/:address' },
  { method: 'GET', path: '/event/:id' },
  { method: 'GET', path: '/event/:id/comments' },
  { method: 'POST', path: '/event/:id/comment' },
  { method: 'GET', path: '/map/:location/events' },
  { method: 'GET', path: '/status' },
  { method: 'GET', path: '/very/deeply/nested/route/hello/there' },
  { method: 'GET', path: '/static/*' },
]

export const CLASSIC_LOOKUPS: readonly Lookup[] = [
  { name: 'short static', method: 'GET', path: '/user', route: 0, params: {} },
  { name: 'static with same radix', method: 'GET', path: '/user/comments', route: 1, params: {} },
  { name: 'dynamic route', method: 'GET', path: '/user/lookup/username/hey', route: 3, params: { username: 'hey' } },
  {
    name: 'mixed static dynamic',
    method: 'GET',
    path: '/event/abcd1234/comments',
    route: 6,
    params: { id: 'abcd1234' },
  },
  { name: 'long static', method: 'GET', path: '/very/deeply/nested/route/hello/there', route: 10, params: {} },
  { name: 'wildcard', method: 'GET', path: '/static/index.html', route: 11, params: { '*': 'index.html' } },
  { name: 'not found (root)', method: 'GET', path: '/not-found', route: -1, params: {} },
  { name: 'not found (deep)', method: 'GET', path: '/event/abcd1234/comments/not-found', route: -1, params: {} },
]

// a copy of shared/data/github-api-routes.json, so a clone of the repo alone can run the benchmark
const GITHUB_FILE = new URL('./data/github-api-routes.json', import.meta.url)

/** The 203 routes of the GitHub REST API (julienschmidt/go-http-routing-benchmark). */
export const GITHUB: readonly RouteDef[] = (
  JSON.parse(readFileSync(GITHUB_FILE, 'utf8')) as { routes: [string, string][] }
).routes.map(([method, path]) => ({ method, path }))

// Each param gets a value of its own, so a router that mixes up params is caught.
function instantiate(route: RouteDef, index: number): Lookup {
  const params: Record<string, string> = {}
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => {
    params[name] = `${name}-${index}`
    return params[name]
  })
  return { name: `${route.method} ${route.path}`, method: route.method, path, route: index, params }
}

/** Every GitHub route once, with concrete param values. */
export const GITHUB_ALL: readonly Lookup[] = GITHUB.map(instantiate)

function githubLookup(name: string, method: string, path: string): Lookup {
  const found = GITHUB_ALL.find((l) => l.method === method && l.path === path)
  return found === undefined ? { name, method, path, route: -1, params: {} } : { ...found, name }
}

export const GITHUB_LOOKUPS: readonly Lookup[] = [
  githubLookup('github static', 'GET', '/user/repos'),
  {
    ...instantiate({ method: 'GET', path: '/repos/:owner/:repo/stargazers' }, 0),
    name: 'github param',
    route: GITHUB.findIndex((r) => r.method === 'GET' && r.path === '/repos/:owner/:repo/stargazers'),
    params: { owner: 'julienschmidt', repo: 'httprouter' },
    path: '/repos/julienschmidt/httprouter/stargazers',
  },
  githubLookup('github not found', 'GET', '/repos/julienschmidt/httprouter/not-found'),
]

/** The paths of `lookups` laid end to end in one buffer, as an HTTP parser holds a request. */
export interface PathBuffer {
  readonly buffer: Buffer
  readonly starts: Int32Array
  readonly ends: Int32Array
}

// node:http hands the router a new string decoded from its socket buffer per request: never interned,
// no cached hash. Timed loops decode each path from here inside the loop.
export function pathBuffer(lookups: readonly Lookup[]): PathBuffer {
  const buffer = Buffer.from(lookups.map((l) => `GET ${l.path} HTTP/1.1\r\n`).join(''), 'latin1')
  const starts = new Int32Array(lookups.length)
  const ends = new Int32Array(lookups.length)
  let at = 0
  lookups.forEach((l, i) => {
    starts[i] = at + 4
    ends[i] = at + 4 + l.path.length
    at += l.path.length + 15
  })
  return { buffer, starts, ends }
}
