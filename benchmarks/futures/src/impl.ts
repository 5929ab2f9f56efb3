// Each case in two (or three) forms that must compute the same result: ours and the peer's.
// test/impl.test.ts checks they agree before src/index.ts times them.
import { Future, mapAsync, whenAll } from '@fasterapi/futures'
import pMap from 'p-map'

const inc = (x: number) => x + 1
const double = async (x: number) => x * 2
const doubleReady = (x: number) => Future.ready(x * 2)

export const ITEMS = Array.from({ length: 1_000 }, (_, i) => i)
const TEN = Array.from({ length: 10 }, (_, i) => i)

export const cases = {
  create: {
    future: () => Future.ready(1),
    promise: () => Promise.resolve(1),
  },
  chain: {
    // the result read synchronously, as a ready pipeline does
    future: () => Future.ready(1).then(inc).then(inc).then(inc).get(),
    futureAwait: async () => await Future.ready(1).then(inc).then(inc).then(inc),
    promise: async () => await Promise.resolve(1).then(inc).then(inc).then(inc),
  },
  await: {
    future: async () => await Future.ready(1),
    promise: async () => await Promise.resolve(1),
  },
  whenAll: {
    future: () => whenAll(TEN.map((x) => Future.ready(x))).get(),
    futureAwait: async () => await whenAll(TEN.map((x) => Future.ready(x))),
    promise: async () => await Promise.all(TEN.map((x) => Promise.resolve(x))),
  },
  map: {
    future: async () => await mapAsync(ITEMS, double, { concurrency: 8 }),
    futureReady: async () => await mapAsync(ITEMS, doubleReady, { concurrency: 8 }),
    pMap: async () => await pMap(ITEMS, double, { concurrency: 8 }),
  },
}
