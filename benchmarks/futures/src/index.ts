// One mitata run: Future vs native Promise (and p-map). Run with `pnpm bench` (builds first via turbo).
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { cases } from './impl.ts'

summary(() => {
  group('create a resolved value', () => {
    bench('Future.ready(1)', () => do_not_optimize(cases.create.future()))
    bench('Promise.resolve(1)', () => do_not_optimize(cases.create.promise()))
  })
})

summary(() => {
  group('chain of 3 then() on a ready value, to the result', () => {
    bench('Future (sync result)', () => do_not_optimize(cases.chain.future()))
    bench('Future (awaited)', async () => do_not_optimize(await cases.chain.futureAwait()))
    bench('Promise (awaited)', async () => do_not_optimize(await cases.chain.promise()))
  })
})

summary(() => {
  group('await a ready value', () => {
    bench('await Future.ready(1)', async () => do_not_optimize(await cases.await.future()))
    bench('await Promise.resolve(1)', async () => do_not_optimize(await cases.await.promise()))
  })
})

summary(() => {
  group('whenAll of 10 ready values', () => {
    bench('whenAll (sync result)', () => do_not_optimize(cases.whenAll.future()))
    bench('whenAll (awaited)', async () => do_not_optimize(await cases.whenAll.futureAwait()))
    bench('Promise.all (awaited)', async () => do_not_optimize(await cases.whenAll.promise()))
  })
})

summary(() => {
  group('map 1,000 items at concurrency 8', () => {
    bench('mapAsync, async mapper', async () => do_not_optimize(await cases.map.future()))
    bench('mapAsync, ready-future mapper', async () => do_not_optimize(await cases.map.futureReady()))
    bench('p-map, async mapper', async () => do_not_optimize(await cases.map.pMap()))
  })
})

await run()
