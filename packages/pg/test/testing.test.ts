// The throwaway cluster stops and its folder goes whenever the process that started it ends, whatever the
// reason: a test run that fails, is interrupted or crashes must not leave PostgreSQL servers behind.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const fixture = fileURLToPath(new URL('./fixtures/cluster-child.ts', import.meta.url))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function startChild(how: string): Promise<{ child: ChildProcess; dir: string; pid: number }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', fixture, how], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  children.push(child)
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk) => {
      out += chunk
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')))
    })
    child.once('exit', (code) => reject(new Error(`the child exited with ${code} before its cluster started`)))
  })
  const { dir, pid } = JSON.parse(line) as { dir: string; pid: number }
  return { child, dir, pid }
}

// the watchdog works on its own clock; wait for its outcome, not for a fixed time
async function gone(pid: number, dir: string): Promise<void> {
  while (alive(pid) || existsSync(dir)) await new Promise((resolve) => setTimeout(resolve, 50))
}

describe('startCluster', () => {
  for (const how of ['exit', 'throw', 'SIGKILL', 'SIGINT', 'SIGTERM']) {
    it(`stops the server and removes its folder when the parent ends by ${how}`, async () => {
      const { child, dir, pid } = await startChild(how.startsWith('SIG') ? 'hang' : how)
      expect(alive(pid)).toBe(true)
      expect(existsSync(dir)).toBe(true)
      const exited = new Promise((resolve) => child.once('exit', resolve))
      if (how.startsWith('SIG')) child.kill(how as NodeJS.Signals)
      await exited
      await gone(pid, dir)
      expect(alive(pid)).toBe(false)
      expect(existsSync(dir)).toBe(false)
    })
  }
})
