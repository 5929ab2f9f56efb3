// JSON.parse that refuses prototype poisoning (`__proto__`, `constructor.prototype` keys), the attack
// secure-json-parse guards Fastify against. The scan runs only when the text contains a suspect key.

const SUSPECT =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"|"constructor"/

export class PrototypePoisoningError extends Error {
  readonly code = 'HTTP_PROTO_POISONING'
  constructor() {
    super('Object contains forbidden prototype property')
    this.name = 'PrototypePoisoningError'
  }
}

export function safeJsonParse(text: string): unknown {
  const value = JSON.parse(text)
  if (value === null || typeof value !== 'object' || !SUSPECT.test(text)) return value
  assertClean(value)
  return value
}

function assertClean(root: object): void {
  const stack: object[] = [root]
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>
    if (Object.hasOwn(node, '__proto__')) throw new PrototypePoisoningError()
    const ctor = Object.hasOwn(node, 'constructor') ? node.constructor : undefined
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) {
      throw new PrototypePoisoningError()
    }
    for (const key in node) {
      const child = node[key]
      if (child !== null && typeof child === 'object') stack.push(child)
    }
  }
}
