// The server's own ceiling: pgbench -M prepared running `select $1::int`, plain and inside
// \startpipeline, with 1 and 10 connections. The drivers cannot beat these numbers on the same machine.
import { execFile as execFileCallback } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const execFile = promisify(execFileCallback)
const PIPELINE_DEPTH = 100
const SECONDS = Number(process.env.PGBENCH_SECONDS ?? 3)

export async function pgbenchCeiling(binDir: string, url: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pgbench-'))
  try {
    const plain = join(dir, 'plain.sql')
    const pipelined = join(dir, 'pipelined.sql')
    await writeFile(plain, '\\set n random(1, 1000000)\nselect :n::int;\n')
    await writeFile(
      pipelined,
      `\\set n random(1, 1000000)\n\\startpipeline\n${'select :n::int;\n'.repeat(PIPELINE_DEPTH)}\\endpipeline\n`,
    )
    const run = async (file: string, clients: number, perTransaction: number) => {
      const { stdout } = await execFile(join(binDir, 'pgbench'), [
        ...['-n', '-M', 'prepared', '-T', String(SECONDS), '-c', String(clients), '-j', String(Math.min(clients, 2))],
        ...['-f', file, url],
      ])
      const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1])
      const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1])
      return { qps: tps * perTransaction, latencyUs: (latency * 1000) / perTransaction }
    }
    const single = await run(plain, 1, 1)
    const ten = await run(plain, 10, 1)
    const pipe = await run(pipelined, 1, PIPELINE_DEPTH)
    return [
      '| pgbench -M prepared, select :n::int | queries/s | latency |',
      '|---|---:|---:|',
      `| 1 connection | ${Math.round(single.qps).toLocaleString('en-US')} | ${single.latencyUs.toFixed(0)} µs |`,
      `| 10 connections | ${Math.round(ten.qps).toLocaleString('en-US')} | |`,
      `| 1 connection, \\startpipeline × ${PIPELINE_DEPTH} | ${Math.round(pipe.qps).toLocaleString('en-US')} | |`,
    ].join('\n')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
