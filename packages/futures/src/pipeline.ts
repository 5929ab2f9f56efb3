// Pipeline: stages applied in order to a stream of items, each stage with its own concurrency. Order is
// kept, memory is bounded (a stage holds at most `concurrency` items), and the first failure or an abort
// stops every stage: the signal each stage function receives aborts.
import { linkSignal } from './abort.ts'
import { InvalidArgumentError } from './errors.ts'
import { Future } from './future.ts'
import type { Mapper } from './map.ts'

export interface StageOptions {
  /** Calls of this stage in flight at once. @default 1 */
  concurrency?: number
}

interface Stage {
  fn: Mapper<any, any>
  concurrency: number
  keepIf: boolean // a filter stage: the item passes on when fn returns truthy
}

type Source<T> = Iterable<T> | AsyncIterable<T>

/**
 * @example
 * const thumbnails = Pipeline.of<string>()
 *   .pipe((path, _i, signal) => readFile(path, { signal }), { concurrency: 8 })
 *   .pipe((bytes) => executor.run(resize, bytes), { concurrency: 2 })
 * for await (const thumb of thumbnails.run(paths)) save(thumb)
 */
export class Pipeline<In, Out = In> {
  readonly #stages: readonly Stage[]

  private constructor(stages: readonly Stage[]) {
    this.#stages = stages
  }

  /** An empty pipeline for items of type `T`. */
  static of<T>(): Pipeline<T, T> {
    return new Pipeline<T, T>([])
  }

  /** A new pipeline with a mapping stage appended. */
  pipe<R>(fn: Mapper<Out, R>, options?: StageOptions): Pipeline<In, Awaited<R>> {
    return new Pipeline([...this.#stages, stage(fn, options, false)])
  }

  /** A new pipeline with a filtering stage appended. */
  filter(predicate: Mapper<Out, unknown>, options?: StageOptions): Pipeline<In, Out> {
    return new Pipeline([...this.#stages, stage(predicate, options, true)])
  }

  /** Streams the results, in input order. Breaking out of the loop aborts the work still in flight. */
  run(source: Source<In>, options?: { signal?: AbortSignal }): AsyncGenerator<Out, void, undefined> {
    const controller = new AbortController()
    const unlink = linkSignal(options?.signal, controller)
    let stream: AsyncIterable<unknown> = toAsync(source)
    for (const s of this.#stages) stream = runStage(stream, s, controller)
    return finalize(stream as AsyncIterable<Out>, controller, unlink)
  }

  /** All results as an array, in input order. */
  collect(source: Source<In>, options?: { signal?: AbortSignal }): Future<Out[]> {
    return Future.from(
      (async () => {
        const out: Out[] = []
        for await (const item of this.run(source, options)) out.push(item)
        return out
      })(),
    )
  }
}

function stage(fn: Mapper<any, any>, options: StageOptions | undefined, keepIf: boolean): Stage {
  const concurrency = options?.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`stage concurrency must be an integer >= 1, got ${concurrency}`)
  }
  return { fn, concurrency, keepIf }
}

async function* toAsync<T>(source: Source<T>): AsyncGenerator<T> {
  yield* source
}

async function* finalize<T>(stream: AsyncIterable<T>, controller: AbortController, unlink: () => void) {
  try {
    yield* stream
  } finally {
    unlink()
    if (!controller.signal.aborted) controller.abort()
  }
}

// invariant: at most `s.concurrency` items of this stage are started and not yet yielded
async function* runStage(
  source: AsyncIterable<unknown>,
  s: Stage,
  controller: AbortController,
): AsyncGenerator<unknown> {
  const signal = controller.signal
  const upstream = source[Symbol.asyncIterator]()
  const window: { item: unknown; result: Promise<unknown> }[] = []
  let index = 0
  let exhausted = false
  try {
    for (;;) {
      while (!exhausted && window.length < s.concurrency) {
        signal.throwIfAborted()
        const n = await upstream.next()
        if (n.done) {
          exhausted = true
          break
        }
        const i = index++
        const result = new Promise<unknown>((resolve) => resolve(s.fn(n.value, i, signal)))
        result.catch((error: unknown) => controller.abort(error)) // the first failure stops every stage
        window.push({ item: n.value, result })
      }
      const head = window.shift()
      if (head === undefined) return
      const value = await head.result
      signal.throwIfAborted()
      if (!s.keepIf) yield value
      else if (value) yield head.item
    }
  } finally {
    if (!exhausted) await upstream.return?.()
  }
}
