// Does a serializer compiled from the response schema beat JSON.stringify on Node 24? Measured here: one object
// of known fields 1.03–1.11× (noise), an array of 20 1.6–1.8× slower element by element — so routes keep
// JSON.stringify (COMPILED_SERIALIZER in src/route.ts); rerun this on a new Node to revisit.
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { z } from 'zod'
import { jsonSchemaOf } from '../src/schema.ts'
import { compileSerializer } from '../src/serializer.ts'

const User = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  active: z.boolean(),
  score: z.number(),
  tags: z.array(z.string()),
})
const user = {
  id: 42,
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  active: true,
  score: 99.5,
  tags: ['a', 'b', 'c'],
}
const list = Array.from({ length: 20 }, (_, i) => ({ ...user, id: i }))
const one = compileSerializer(jsonSchemaOf(User, 'output'))!
const many = (a: unknown[]) => {
  let o = '['
  for (let i = 0; i < a.length; i++) o += (i ? ',' : '') + one(a[i])
  return `${o}]`
}

if (one(user) !== JSON.stringify(user) || many(list) !== JSON.stringify(list)) throw new Error('serializers disagree')

summary(() => {
  group('one object, 6 fields', () => {
    bench('JSON.stringify', () => do_not_optimize(JSON.stringify(user)))
    bench('compiled from the schema', () => do_not_optimize(one(user)))
  })
})
summary(() => {
  group('array of 20 objects', () => {
    bench('JSON.stringify', () => do_not_optimize(JSON.stringify(list)))
    bench('compiled, element by element', () => do_not_optimize(many(list)))
  })
})

await run()
