// The FasterAPI demo: every part working together. `npm start` at the repository root serves it; without
// DATABASE_URL it runs on a private PostgreSQL kept in apps/demo/.pgdata.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { App, defineSettings, offload } from 'fasterapi'
import { defineTasks, Executor } from 'fasterapi/executor'
import { database } from 'fasterapi/pg'
import { z } from 'zod'
import { bearerToken } from './auth.ts'
import { chat } from './chat.ts'
import { dashboard } from './dashboard.ts'
import { itemRoutes } from './items.ts'
import { jobs } from './jobs.ts'
import { mcpTools } from './mcp.ts'

const settings = defineSettings(
  z.object({
    databaseUrl: z.string().optional(),
    dbPoolSize: z.number().int().min(1).max(100).default(10),
    primesMax: z.number().int().positive().default(50_000_000),
    // the bearer token of the routes that need one (GET /items/{id}/margin); set API_TOKEN outside a demo
    apiToken: z.string().min(8).default('demo-token'),
  }),
  { envFile: fileURLToPath(new URL('../.env', import.meta.url)) },
)

export const db = database({
  ...(settings.databaseUrl && { url: settings.databaseUrl }),
  max: settings.dbPoolSize,
  migrations: new URL('../migrations/', import.meta.url),
  embedded: { dataDir: fileURLToPath(new URL('../.pgdata/', import.meta.url)) },
})

const tasks = defineTasks<typeof import('./tasks.ts')>(new URL('./tasks.ts', import.meta.url))
export const executor = new Executor({ threads: 1, maxQueue: 64 })

const app = new App({
  title: 'FasterAPI demo',
  version: '1.0.0',
  description: 'Items on PostgreSQL, a live dashboard, a chat room, CPU work on workers and a long job.',
})
app.lifespan(db.lifespan)
app.onEvent('shutdown', () => executor.close({ timeout: 5_000 }))

dashboard(app, readFileSync(new URL('./page.html', import.meta.url), 'utf8'))
app.include(itemRoutes(db, bearerToken(settings.apiToken)))
chat(app)
export const jobBoard = jobs(app, executor, tasks.countPrimes)
// every route above and below as an MCP tool at /mcp (the tool set is computed when the app starts)
export const mcpServer = mcpTools(app)

const Primes = z.object({ below: z.coerce.number().int().min(2).max(settings.primesMax) })
app.get(
  '/primes',
  { name: 'countPrimes', query: Primes, tags: ['cpu'], summary: 'Counts primes below `below` on a worker thread' },
  offload(executor, tasks.countPrimes),
)

export default app
