#!/usr/bin/env node
// Fresh-machine bootstrap. Runs on Node 18+ with nothing but npm and tar.
// It puts Node 24 and the pinned pnpm into .tools/ (git-ignored), installs the workspace
// with the frozen lockfile, then runs the given pnpm script with that toolchain on PATH.
// It never writes outside the repository and is a no-op (<1 s) when everything is in place.
//
//   node scripts/bootstrap.mjs                 # only make sure the toolchain and install are there
//   node scripts/bootstrap.mjs run <script>    # then `pnpm run <script>` with the repo's Node and pnpm
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Pinned: the Node 24 LTS release installed when the running Node is older than MIN_NODE. The project is
// tested on Node 24; the test suite also runs TypeScript sources as they are (type stripping is unflagged
// from Node 22.18) and its undici wants 22.19, so a Node 22 found on the machine is not used either.
const NODE_VERSION = '24.21.0'
const MIN_NODE = [24, 0]

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tools = join(root, '.tools')
const bin = join(tools, 'bin')
const started = Date.now()

function log(msg) {
  process.stderr.write(`[bootstrap] ${msg}\n`)
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts })
  if (res.error) throw res.error
  if (res.status !== 0) {
    log(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`)
    process.exit(res.status ?? 1)
  }
  return res
}

function nodeIsRecentEnough(version) {
  const [major, minor] = version.split('.').map(Number)
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])
}

// npm pack downloads a registry tarball and verifies its integrity; its cache stays inside .tools.
function fetchPackage(spec, intoDir) {
  const cache = join(tools, 'cache')
  mkdirSync(cache, { recursive: true })
  log(`downloading ${spec} from the npm registry`)
  const res = spawnSync(
    'npm',
    [
      'pack',
      spec,
      '--pack-destination',
      cache,
      '--cache',
      join(cache, 'npm'),
      '--logs-dir',
      join(cache, 'npm-logs'),
      '--silent',
      '--json',
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      shell: process.platform === 'win32',
    },
  )
  if (res.status !== 0) {
    log(`npm pack ${spec} failed`)
    process.exit(res.status ?? 1)
  }
  const filename = JSON.parse(res.stdout)[0].filename
  const tmp = `${intoDir}.partial`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  run('tar', ['xzf', join(cache, filename), '-C', tmp])
  rmSync(join(cache, filename), { force: true })
  rmSync(intoDir, { recursive: true, force: true })
  renameSync(tmp, intoDir) // atomic: a half-extracted folder is never taken for a complete one
}

function ensureNode() {
  if (nodeIsRecentEnough(process.versions.node)) return process.execPath
  const os = process.platform === 'win32' ? 'win' : process.platform
  const dir = join(tools, `node-v${NODE_VERSION}`)
  const exe = join(dir, 'package', 'bin', os === 'win' ? 'node.exe' : 'node')
  if (!existsSync(exe)) {
    log(
      `Node ${process.versions.node} is older than ${MIN_NODE.join('.')}: installing Node ${NODE_VERSION} into .tools/`,
    )
    fetchPackage(`node-${os}-${process.arch}@${NODE_VERSION}`, dir)
  }
  return exe
}

function ensurePnpm() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const version = /^pnpm@([\d.]+)/.exec(pkg.packageManager ?? '')?.[1]
  if (!version) throw new Error('package.json must pin "packageManager": "pnpm@x.y.z"')
  const dir = join(tools, `pnpm-v${version}`)
  const cli = join(dir, 'package', 'bin', 'pnpm.cjs')
  if (!existsSync(cli)) {
    log(`installing pnpm ${version} into .tools/`)
    fetchPackage(`pnpm@${version}`, dir)
  }
  return cli
}

// Shims in .tools/bin so that every child process (turbo, vitest, scripts) sees the repo's Node and pnpm.
function writeShims(nodeExe, pnpmCli) {
  mkdirSync(bin, { recursive: true })
  const shims = {
    node: `#!/bin/sh\nexec "${nodeExe}" "$@"\n`,
    pnpm: `#!/bin/sh\nexec "${nodeExe}" "${pnpmCli}" "$@"\n`,
  }
  for (const [name, text] of Object.entries(shims)) {
    const file = join(bin, name)
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue
    writeFileSync(file, text)
    chmodSync(file, 0o755)
  }
}

function toolEnv() {
  return {
    ...process.env,
    PATH: `${bin}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`,
    // pnpm's store, cache and state live in the repo, never in $HOME
    npm_config_store_dir: join(tools, 'pnpm-store'),
    npm_config_cache_dir: join(tools, 'pnpm-cache'),
    npm_config_state_dir: join(tools, 'pnpm-state'),
    npm_config_update_notifier: 'false',
    COREPACK_ENABLE_STRICT: '0',
    TURBO_TELEMETRY_DISABLED: '1',
    TURBO_CONFIG_DIR_PATH: join(tools, 'turbo-config'),
    BIOME_LOG_PATH: join(tools, 'biome-logs'),
    XDG_CACHE_HOME: join(tools, 'xdg-cache'), // tools that default to ~/.cache (biome) write here instead
    DO_NOT_TRACK: '1',
  }
}

// Install only when the lockfile changed since the last successful install (keeps a warm run fast).
function ensureInstall(env) {
  const lock = readFileSync(join(root, 'pnpm-lock.yaml'))
  const stampFile = join(root, 'node_modules', '.bootstrap-lock-hash')
  const hash = createHash('sha256').update(lock).update(NODE_VERSION).digest('hex')
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) return
  log('pnpm install --frozen-lockfile')
  run(join(bin, 'pnpm'), ['install', '--frozen-lockfile'], { cwd: root, env })
  writeFileSync(stampFile, hash)
}

const nodeExe = ensureNode()
const pnpmCli = ensurePnpm()
writeShims(nodeExe, pnpmCli)
const env = toolEnv()
ensureInstall(env)
log(
  `toolchain ready in ${Date.now() - started} ms (node ${nodeExe === process.execPath ? process.versions.node : NODE_VERSION})`,
)

const [verb, script, ...rest] = process.argv.slice(2)
if (verb === 'run' && script) {
  log(`pnpm run ${script} ${rest.join(' ')}`.trim())
  const res = spawnSync(join(bin, 'pnpm'), ['run', script, ...rest], { cwd: root, env, stdio: 'inherit' })
  process.exit(res.status ?? 1)
} else if (verb) {
  log(`unknown arguments: ${process.argv.slice(2).join(' ')}`)
  process.exit(2)
}
