// Runs in every test worker (see vitest.shared.ts). Vitest's worker reports progress over an RPC whose
// replies time out after 60 s, and it runs a file's tests one after another in microtasks, so a file of
// synchronous tests (the router's fast-check properties: ~60 s on a loaded 2-core machine) never lets
// a reply in and fails the run with 'Timeout calling "onTaskUpdate"' although every test passed.
// One macrotask turn after each test bounds that wait by the longest single test instead.
import { afterEach } from 'vitest'

// taken before any test runs, so a test that leaves fake timers installed cannot stall the hook
const { setImmediate } = globalThis

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)))
