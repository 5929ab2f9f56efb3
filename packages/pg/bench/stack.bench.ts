// What a failed query's stack costs. The template's line is cached per call site and the callers' frames
// come from V8's async stack trace, read only on failure; the alternative, capturing a stack per call, is
// paid by every query. The chained rejection handler that reads them costs one promise reaction per query.
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { createPool } from '../src/index.ts'

// never connected: building a query does not touch the network
const sql = createPool({ url: 'postgres://nobody@127.0.0.1:1/none' })
function caller(n: number) {
  return sql`select ${n}::int as n`
}
function captured(n: number) {
  const origin: { stack?: string } = {}
  Error.captureStackTrace(origin, captured)
  return do_not_optimize([origin, n])
}

summary(() => {
  group('per query', () => {
    bench('build a template query (cached site line)', () => do_not_optimize(caller(1)))
    bench('capture a stack per call', () => do_not_optimize(captured(1)))
  })
})
summary(() => {
  group('settling a resolved query', () => {
    bench('await the execution', async () => do_not_optimize(await Promise.resolve(1)))
    bench('await it through the rejection handler', async () =>
      do_not_optimize(await Promise.resolve(1).then(undefined, (e) => e)),
    )
  })
})

await run()
await sql.end()
