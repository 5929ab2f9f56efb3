// Every ```ts block of every package README compiles: each block is written as a module of its own beside
// its package (in that package's node_modules/.readme-check, so imports resolve as a user's would, through the
// workspace and the @fasterapi/source condition) and one tsc run checks them all. A block that is deliberately
// partial is fenced as ```ts nocheck and skipped.
import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

interface Block {
  readme: string
  line: number
  code: string
}

/** The ```ts blocks of a Markdown text, with the line each starts on (1-based, the line after the fence). */
export function tsBlocks(readme: string, text: string): Block[] {
  const blocks: Block[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!)
    if (open === null) continue
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l))
    if (end === -1) break
    if (open[1] === 'ts' && !/\bnocheck\b/.test(open[2]!)) {
      blocks.push({ readme, line: i + 2, code: lines.slice(i + 1, end).join('\n') })
    }
    i = end
  }
  return blocks
}

const readmes = readdirSync(join(root, 'packages'))
  .map((pkg) => join(root, 'packages', pkg, 'README.md'))
  .filter((file) => {
    try {
      return readFileSync(file, 'utf8').length > 0
    } catch {
      return false
    }
  })

const made: string[] = []
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

describe('README code blocks', () => {
  it('finds blocks and skips the ones marked nocheck', () => {
    const text = '# x\n```ts\nconst a = 1\n```\n\n```ts nocheck\npartial(\n```\n```sh\nls\n```\n'
    expect(tsBlocks('x.md', text)).toEqual([{ readme: 'x.md', line: 3, code: 'const a = 1' }])
  })

  // one tsc run over every block; each README then reports its own errors
  let errors: Promise<string[]> | undefined
  function check(): Promise<string[]> {
    errors ??= typeCheck()
    return errors
  }

  it.each(readmes.map((file) => relative(root, file)))(
    'every ```ts block of %s type-checks',
    async (readme) => {
      const found = await check()
      expect(found.filter((e) => e.startsWith(`${readme}:`))).toEqual([])
    },
    180_000,
  )

  it('reports nothing it cannot place in a README', async () => {
    expect((await check()).filter((e) => !e.startsWith('packages/'))).toEqual([])
  }, 180_000)
})

async function typeCheck(): Promise<string[]> {
  const files: string[] = []
  const origin = new Map<string, Block>()
  for (const readme of readmes) {
    const dir = join(dirname(readme), 'node_modules', '.readme-check')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    made.push(dir)
    for (const block of tsBlocks(readme, readFileSync(readme, 'utf8'))) {
      // `export {}` keeps each block a module of its own (top-level await, no clashes between blocks)
      const file = join(dir, `readme-line-${block.line}.ts`)
      writeFileSync(file, `${block.code}\nexport {}\n`)
      files.push(file)
      origin.set(file, block)
    }
  }
  const project = join(root, 'packages', 'http', 'node_modules', '.readme-check', 'tsconfig.json')
  writeFileSync(
    project,
    JSON.stringify({ extends: relative(dirname(project), join(root, 'tsconfig.base.json')), files }, null, 2),
  )
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { maxBuffer: 16 << 20 }, (_, stdout) =>
      resolve(stdout),
    )
  })
  // 'path/readme-line-12.ts(3,5): error TS…' → 'packages/x/README.md:14: error TS…'
  return output
    .split('\n')
    .filter((l) => l.includes('error TS'))
    .map((l) => {
      const m = /^(.*?readme-line-\d+\.ts)\((\d+),\d+\): (.*)$/.exec(l)
      const block = m === null ? undefined : origin.get(resolve(m[1]!)) // tsc names files relative to the working directory
      if (m === null || block === undefined) return l
      return `${relative(root, block.readme)}:${block.line + Number(m[2]) - 1}: ${m[3]}`
    })
}
