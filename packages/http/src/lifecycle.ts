// Startup and shutdown of an app: hooks and lifespans (code before `yield` at startup, after it at shutdown).
// A failed startup tears down what it started, is not cached, and a later startup() tries again.

export type Lifespan<A> = (app: A) => AsyncGenerator<unknown, void, unknown>

export class Lifecycle<A> {
  readonly #startup: (() => unknown)[] = []
  readonly #shutdown: (() => unknown)[] = []
  readonly #lifespans: Lifespan<A>[] = []
  readonly #running: AsyncGenerator<unknown, void, unknown>[] = []
  #started: Promise<void> | undefined

  on(event: 'startup' | 'shutdown', fn: () => unknown): void {
    ;(event === 'startup' ? this.#startup : this.#shutdown).push(fn)
  }

  lifespan(fn: Lifespan<A>): void {
    this.#lifespans.push(fn)
  }

  startup(app: A): Promise<void> {
    this.#started ??= this.#start(app).catch(async (error: unknown) => {
      this.#started = undefined
      await this.#teardown()
      throw error
    })
    return this.#started
  }

  async #start(app: A): Promise<void> {
    for (const fn of this.#startup) await fn()
    for (const fn of this.#lifespans) {
      const gen = fn(app)
      await gen.next()
      this.#running.push(gen)
    }
  }

  async shutdown(): Promise<void> {
    const started = this.#started
    if (started === undefined) return
    try {
      await started
    } catch {
      return // the failed startup already tore down what it had started
    }
    this.#started = undefined
    await this.#teardown()
    for (const fn of this.#shutdown) await fn()
  }

  async #teardown(): Promise<void> {
    for (const gen of this.#running.splice(0).reverse()) await gen.next() // runs the code after `yield`
  }
}
