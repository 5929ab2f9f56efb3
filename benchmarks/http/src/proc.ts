// Child processes of the benchmark: pinned to a core with taskset (server on core 0, load on core 1),
// started through a shell that raises the soft fd limit to the hard one first.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

/** The hard limit on open files: what the fd wrapper raises a child's soft limit to. */
export function hardFdLimit(): number {
  const out = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()
  return out === 'unlimited' ? 1_048_576 : Number(out) || 1024
}

export const PINNED = hasCommand('taskset') && availableParallelism() >= 2

/** `taskset -c N` when the machine has two cores and taskset, else nothing. */
export function pin(core: 0 | 1): string[] {
  return PINNED ? ['taskset', '-c', String(core)] : []
}

const RAISE_FDS = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"'

/** Runs `argv` under the fd wrapper; stdin and stdout are pipes, stderr is ours. */
export function spawnRaised(argv: string[]): ChildProcess {
  return spawn('sh', ['-c', RAISE_FDS, 'sh', ...argv], { stdio: ['pipe', 'pipe', 'inherit'] })
}

export const NODE_FLAGS = ['--disable-warning=ExperimentalWarning', '--conditions=@fasterapi/source']

export function script(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url))
}

/** Line-oriented reader of a child's stdout: `next(prefix)` resolves with the rest of the next such line. */
export class Lines {
  #buffer = ''
  #waiting: { prefix: string; resolve: (rest: string) => void; reject: (e: Error) => void }[] = []
  #ended: Error | undefined

  constructor(child: ChildProcess, what: string) {
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (chunk: string) => {
      this.#buffer += chunk
      let nl = this.#buffer.indexOf('\n')
      while (nl !== -1) {
        this.#line(this.#buffer.slice(0, nl))
        this.#buffer = this.#buffer.slice(nl + 1)
        nl = this.#buffer.indexOf('\n')
      }
    })
    child.on('exit', (code, signal) => {
      this.#ended = new Error(`${what} exited (${signal ?? code})`)
      for (const w of this.#waiting.splice(0)) w.reject(this.#ended)
    })
  }

  #line(line: string): void {
    const i = this.#waiting.findIndex((w) => line.startsWith(`${w.prefix} `))
    if (i === -1) return
    const [w] = this.#waiting.splice(i, 1)
    w!.resolve(line.slice(w!.prefix.length + 1))
  }

  next(prefix: string, timeoutMs = 30_000): Promise<string> {
    if (this.#ended) return Promise.reject(this.#ended)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${prefix} line within ${timeoutMs} ms`)), timeoutMs)
      this.#waiting.push({
        prefix,
        resolve: (rest) => {
          clearTimeout(timer)
          resolve(rest)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
    })
  }
}

/** A server under test in its own process, pinned to core 0. */
export class ServerProcess {
  readonly url: string
  readonly #child: ChildProcess
  readonly #lines: Lines

  private constructor(child: ChildProcess, lines: Lines, url: string) {
    this.#child = child
    this.#lines = lines
    this.url = url
  }

  /** `flags`: extra Node/V8 flags for the server process (the steady-state run's experiments). */
  static async start(name: string, keepAliveTimeout?: number, flags: readonly string[] = []): Promise<ServerProcess> {
    const argv = [...pin(0), process.execPath, ...NODE_FLAGS, '--expose-gc', ...flags, script('./child.ts'), name]
    if (keepAliveTimeout !== undefined) argv.push(String(keepAliveTimeout))
    const child = spawnRaised(argv)
    const lines = new Lines(child, `server ${name}`)
    try {
      return new ServerProcess(child, lines, await lines.next('READY'))
    } catch (error) {
      child.kill('SIGKILL')
      throw error
    }
  }

  /** process.memoryUsage() of the server after two full GCs. */
  async memory(): Promise<NodeJS.MemoryUsage> {
    const answer = this.#lines.next('MEM')
    this.#child.stdin!.write('mem\n')
    return JSON.parse(await answer) as NodeJS.MemoryUsage
  }

  /** User + system CPU time the server has used so far, in µs: per request, it shrugs off noisy neighbours. */
  async cpu(): Promise<number> {
    const answer = this.#lines.next('CPU')
    this.#child.stdin!.write('cpu\n')
    return Number(await answer)
  }

  /** GC pauses so far: how many, their total duration in ms, and how many were full (mark-compact) GCs. */
  async gc(): Promise<{ count: number; ms: number; major: number }> {
    const answer = this.#lines.next('GC')
    this.#child.stdin!.write('gc\n')
    const [count, ms, major] = (await answer).split(' ').map(Number)
    return { count: count!, ms: ms!, major: major! }
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()))
    this.#child.stdin!.end('close\n')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
}
