// Runs on executor worker threads: plain CPU-bound functions, nothing shared with the event loop.

/** Counts the primes below `below` by trial division: deliberately slow, seconds for a few million. */
export function countPrimes({ query }: { query: { below: number } }): { below: number; primes: number } {
  let primes = 0
  for (let n = 2; n < query.below; n++) {
    let prime = true
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false
        break
      }
    }
    if (prime) primes++
  }
  return { below: query.below, primes }
}
