// Starts the http-server.ts child for a mode and tells where it listens.
import { type ChildProcess, fork } from 'node:child_process'

/** Milliseconds of CPU work per request on the CPU route. */
export const CPU_MS = 20
/** Where the CPU route's work runs. */
export const MODES = ['inline', 'executor', 'piscina-defaults', 'piscina-1-thread'] as const
export type Mode = (typeof MODES)[number]

export interface RunningServer {
  url: string
  stop(): void
}

export async function startServer(mode: Mode, execArgv: string[] = []): Promise<RunningServer> {
  const child: ChildProcess = fork(new URL('./http-server.ts', import.meta.url), [mode], {
    execArgv: ['--disable-warning=ExperimentalWarning', ...execArgv],
    stdio: 'inherit',
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port))
    child.once('exit', (code) => reject(new Error(`http-server.ts ${mode} exited with ${code}`)))
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() }
}
