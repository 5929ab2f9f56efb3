// The load generators: wrk (Debian's; installed with apt-get when missing and we are root), else
// autocannon from npm. Both run pinned to core 1, one thread, and report req/s, p50 and p99.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasCommand, pin } from './proc.ts'
import type { Probe } from './scenarios.ts'

export interface LoadResult {
  requests: number
  rps: number
  /** milliseconds */
  p50: number
  /** milliseconds */
  p99: number
  /** non-2xx/3xx answers, socket errors and timeouts */
  errors: number
}

export interface LoadOptions {
  seconds: number
  connections: number
}

export type Generator = 'wrk' | 'autocannon'

/** wrk when present (or installable: root with apt-get), else autocannon. */
export function chooseGenerator(wanted?: string): Generator {
  if (wanted === 'autocannon') return 'autocannon'
  if (hasCommand('wrk')) return 'wrk'
  if (process.getuid?.() === 0 && hasCommand('apt-get')) {
    console.error('wrk is missing: installing it with apt-get')
    const r = spawnSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null'],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    )
    if (r.status === 0 && hasCommand('wrk')) return 'wrk'
  }
  if (wanted === 'wrk') throw new Error('wrk is not installed and could not be installed')
  console.error('wrk is not available: falling back to autocannon')
  return 'autocannon'
}

let scripts: string | undefined

/** Removes the wrk scripts written for this run. */
export function cleanUp(): void {
  if (scripts !== undefined) rmSync(scripts, { recursive: true, force: true })
  scripts = undefined
}

// wrk's Lua: the request of the probe, and a done() that prints exact numbers as one JSON line
function wrkScript(probe: Probe): string {
  scripts ??= mkdtempSync(join(tmpdir(), 'fasterapi-bench-http-'))
  const lua = (s: string) => `[==[${s}]==]`
  const lines = [`wrk.method = "${probe.method}"`]
  for (const [k, v] of Object.entries(probe.headers)) lines.push(`wrk.headers[ ${lua(k)} ] = ${lua(v)}`)
  if (probe.body !== undefined) lines.push(`wrk.body = ${lua(probe.body)}`)
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("RESULT {\\"requests\\":%d,\\"duration\\":%d,\\"p50\\":%d,\\"p99\\":%d,\\"errors\\":%d}\\n",',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),',
    '    e.connect + e.read + e.write + e.status + e.timeout))',
    'end',
  )
  const file = join(scripts, `${probe.method}-${Buffer.from(probe.path).toString('hex').slice(0, 40)}.lua`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

function run(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d))
    child.stderr.on('data', (d: Buffer) => (err += d))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} exited ${code}: ${err || out}`)),
    )
  })
}

async function wrk(url: string, probe: Probe, o: LoadOptions): Promise<LoadResult> {
  const argv = [...pin(1), 'wrk', '-t1', `-c${o.connections}`, `-d${o.seconds}s`, '-s', wrkScript(probe)]
  const out = await run([...argv, `${url}${probe.path}`])
  const line = out.split('\n').find((l) => l.startsWith('RESULT '))
  if (line === undefined) throw new Error(`wrk printed no result:\n${out}`)
  const r = JSON.parse(line.slice(7)) as {
    requests: number
    duration: number
    p50: number
    p99: number
    errors: number
  }
  return {
    requests: r.requests,
    rps: r.requests / (r.duration / 1e6),
    p50: r.p50 / 1e3,
    p99: r.p99 / 1e3,
    errors: r.errors,
  }
}

async function autocannon(url: string, probe: Probe, o: LoadOptions): Promise<LoadResult> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js')
  const argv = [...pin(1), process.execPath, bin, '-j', '-c', String(o.connections), '-d', String(o.seconds)]
  argv.push('-m', probe.method)
  for (const [k, v] of Object.entries(probe.headers)) argv.push('-H', `${k}=${v}`)
  if (probe.body !== undefined) argv.push('-b', probe.body)
  const r = JSON.parse(await run([...argv, `${url}${probe.path}`])) as {
    requests: { total: number; average: number }
    latency: { p50: number; p99: number }
    non2xx: number
    errors: number
    timeouts: number
    duration: number
  }
  return {
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts,
  }
}

export function load(generator: Generator, url: string, probe: Probe, options: LoadOptions): Promise<LoadResult> {
  return generator === 'wrk' ? wrk(url, probe, options) : autocannon(url, probe, options)
}
