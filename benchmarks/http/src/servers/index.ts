// The servers under test, loaded lazily so a child process only imports its own framework.
import type { Start } from './types.ts'

export const SERVERS = ['node', 'fastify', 'hono', 'express', 'fasterapi', 'baseline'] as const
export type ServerName = (typeof SERVERS)[number]
/** What runs by default: every server but the baseline, which needs a checkout (`--baseline <root>`). */
export const DEFAULT_SERVERS: readonly ServerName[] = ['node', 'fastify', 'hono', 'express', 'fasterapi']
/** Where the baseline server takes @fasterapi/http from: a checkout's root directory. */
export const BASELINE_ROOT = 'FASTERAPI_BENCH_BASELINE'

export const LABELS: Record<ServerName, string> = {
  node: 'node:http (raw)',
  fastify: 'Fastify',
  hono: 'Hono (@hono/node-server)',
  express: 'Express 5',
  fasterapi: 'FasterAPI',
  baseline: 'FasterAPI (baseline checkout)',
}

/** The peers: every server but the ceiling and ours. */
export const PEERS: readonly ServerName[] = ['fastify', 'hono', 'express']

export function isServerName(name: string): name is ServerName {
  return (SERVERS as readonly string[]).includes(name)
}

export async function loadServer(name: ServerName): Promise<Start> {
  switch (name) {
    case 'node':
      return (await import('./node.ts')).start
    case 'fastify':
      return (await import('./fastify.ts')).start
    case 'hono':
      return (await import('./hono.ts')).start
    case 'express':
      return (await import('./express.ts')).start
    case 'fasterapi':
      return (await import('./fasterapi.ts')).start
    case 'baseline': {
      const root = process.env[BASELINE_ROOT]
      if (root === undefined) throw new Error(`the baseline server needs ${BASELINE_ROOT}=<checkout root>`)
      const { startFrom } = await import('./fasterapi.ts')
      return (port, options) => startFrom(root, port, options)
    }
  }
}
