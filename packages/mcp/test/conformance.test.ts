// The official conformance suite (@modelcontextprotocol/conformance, pinned) against the fixture app, for the
// 2026-07-28 revision and the two 2025 revisions served after `initialize`. Expected failures, each with its
// reason, are in conformance-baseline.yml; the CLI exits non-zero on any other failure or on a stale entry.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { listen, type RunningServer } from '@fasterapi/http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conformanceApp } from './fixtures/conformance-app.ts'

const cli = join(
  createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json'),
  '..',
  'dist/index.js',
)
const baseline = fileURLToPath(new URL('./conformance-baseline.yml', import.meta.url))
let running: RunningServer
const scratch = mkdtempSync(join(tmpdir(), 'mcp-conformance-'))

beforeAll(async () => {
  running = await listen(conformanceApp(), { port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await running?.close()
  rmSync(scratch, { recursive: true, force: true })
})

function runSuite(version: string): Promise<{ code: number; output: string }> {
  const args = [cli, 'server', '--url', `${running.url}/mcp`, '--spec-version', version, '--suite', 'all']
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...args, '--expected-failures', baseline],
      { cwd: scratch, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? ((error.code as number) ?? 1) : 0, output: stdout + stderr }),
    )
    child.unref()
  })
}

describe('@modelcontextprotocol/conformance', () => {
  for (const version of ['2026-07-28', '2025-11-25', '2025-06-18']) {
    it(`passes every ${version} server scenario outside the baseline`, async () => {
      const { code, output } = await runSuite(version)
      const summary = output.slice(output.indexOf('=== SUMMARY ==='))
      expect(summary, summary).toContain('Baseline check passed')
      expect(code, summary).toBe(0)
    }, 300_000)
  }
})
