// The radix tree: static text is compressed across segments; a param segment or a catch-all is a
// child of the node whose text ends in '/'. Built at registration; read by find.ts per request.
import type { RouteRecord } from '../route.ts'
import type { Allowed } from './allow.ts'
import { KIND_NAMES, type Piece, STR } from './pattern.ts'

/** Method ids index `Leaf.handlers`; 0 is every method no route names, served by '*' routes only. */
export const M_OTHER = 0
export const M_GET = 1
export const M_HEAD = 2
/** The methods with fixed ids (a switch finds them); others get ids from 8 on as routes name them. */
export const STANDARD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const

/** Marks a param node whose segment mixes static text and params ('{name}.{ext}'). */
export const COMPOSITE = 9

/** The routes that end at one node, by method. */
export class Leaf {
  readonly pattern: string
  readonly byMethod = new Map<string, RouteRecord<unknown>>()
  // invariant: handlers[id] is the route for method id, HEAD falling back to GET; holes fall back to `any`
  handlers: (RouteRecord<unknown> | undefined)[] = []
  any: RouteRecord<unknown> | undefined = undefined
  // the methods of this leaf's routes; set by the router before any match
  allowed!: Allowed

  constructor(pattern: string) {
    this.pattern = pattern
  }
}

export class Node {
  part: string
  // static children dispatched on their first char code c: table[c - lo], for lo <= c < lo + span
  statics: Node[] = []
  lo = 0
  span = 0
  table: (Node | undefined)[] = []
  // param segment children in priority order; null when there are none
  params: Node[] | null = null
  wild: Node | null = null
  leaf: Leaf | null = null
  // param nodes only
  kind = STR
  key = ''
  count = 0
  // the names routes give this node's params, one list per naming, for print() only
  names: readonly (readonly string[])[] = []
  kinds: readonly number[] = []
  literals: readonly string[] = []

  constructor(part: string) {
    this.part = flat(part)
  }
}

// Parts are built by concatenation and slicing, which make cons and sliced strings; startsWith on
// those was measured 10× slower than on a flat string. A property key is always flat (internalized).
function flat(text: string): string {
  return Object.keys({ [text]: 0 })[0] ?? text
}

function reindex(node: Node): void {
  const codes = node.statics.map((c) => c.part.charCodeAt(0))
  node.lo = Math.min(...codes)
  node.span = Math.max(...codes) - node.lo + 1
  node.table = new Array(node.span).fill(undefined)
  for (const child of node.statics) node.table[child.part.charCodeAt(0) - node.lo] = child
}

function insertStatic(node: Node, text: string): Node {
  while (text !== '') {
    const at = node.statics.findIndex((c) => c.part.charCodeAt(0) === text.charCodeAt(0))
    if (at === -1) {
      const child = new Node(text)
      node.statics.push(child)
      reindex(node)
      return child
    }
    let child = node.statics[at]!
    let common = 1
    while (common < text.length && common < child.part.length && text[common] === child.part[common]) common++
    if (common < child.part.length) {
      const middle = new Node(child.part.slice(0, common))
      child.part = flat(child.part.slice(common))
      middle.statics.push(child)
      reindex(middle)
      node.statics[at] = middle
      reindex(node)
      child = middle
    }
    node = child
    text = text.slice(common)
  }
  return node
}

// Lower ranks are tried first: typed single params (uuid, int, bigint, float), then segments with static text
// (more static text first), then plain {name}.
function rank(node: Node): number {
  if (node.kind === COMPOSITE) return 10 - 1 / (1 + node.literals.join('').length)
  return node.kind === STR ? 20 : node.kind
}

// A param node is shared by every route with the same kinds and static text at its position, whatever
// they name their params: names belong to the route (its params factory), never to the node, which
// only keeps them for print().
function addNames(node: Node, names: readonly string[]): void {
  if (!node.names.some((known) => known.join('/') === names.join('/'))) node.names = [...node.names, names]
}

function insertParam(node: Node, piece: Extract<Piece, { type: 'segment' }>): Node {
  const names = piece.params.map((p) => p.name)
  const existing = node.params?.find((p) => p.key === piece.key)
  if (existing !== undefined) {
    addNames(existing, names)
    return existing
  }
  const child = new Node('')
  const single = piece.params.length === 1 && piece.literals[0] === '' && piece.literals[1] === ''
  child.kind = single ? piece.params[0]!.kind : COMPOSITE
  child.key = piece.key
  child.count = piece.params.length
  child.names = [names]
  child.kinds = piece.params.map((p) => p.kind)
  child.literals = piece.literals
  node.params = [...(node.params ?? []), child].sort((a, b) => rank(a) - rank(b))
  return child
}

function insertCatchAll(node: Node, name: string): Node {
  if (node.wild === null) {
    node.wild = new Node('')
    node.wild.count = 1
  }
  addNames(node.wild, [name])
  return node.wild
}

/** Adds the nodes of a parsed pattern; returns the node where the pattern ends. */
export function insertPieces(root: Node, pieces: readonly Piece[]): Node {
  let node = root
  for (const piece of pieces) {
    if (piece.type === 'static') node = insertStatic(node, piece.text)
    else if (piece.type === 'segment') node = insertParam(node, piece)
    else node = insertCatchAll(node, piece.name)
  }
  return node
}

// A param's names, alternatives separated by '|' ('{id|user_id}')
function nameAt(node: Node, i: number): string {
  return [...new Set(node.names.map((names) => names[i]!))].join('|')
}

function label(node: Node): string {
  if (node.key === '' && node.part === '' && node.count === 1) {
    return node.names.map(([name]) => (name === '*' ? '*' : `*${name}`)).join('|')
  }
  if (node.key === '') return node.part
  let text = node.literals[0]!
  for (let i = 0; i < node.count; i++) {
    const kind = node.kinds[i]!
    text += `{${nameAt(node, i)}${kind === STR ? '' : `:${KIND_NAMES[kind]}`}}${node.literals[i + 1]}`
  }
  return text
}

/** The tree as indented text, each node with the methods of the routes ending there. */
export function printTree(root: Node): string {
  const lines: string[] = []
  const visit = (node: Node, prefix: string, last: boolean, top: boolean) => {
    const methods = node.leaf === null ? '' : ` [${[...node.leaf.byMethod.keys()].join(', ')}]`
    lines.push(
      top ? `${label(node) || '(root)'}${methods}` : `${prefix}${last ? '└── ' : '├── '}${label(node)}${methods}`,
    )
    const children = [...node.statics, ...(node.params ?? []), ...(node.wild === null ? [] : [node.wild])]
    const inner = top ? '' : prefix + (last ? '    ' : '│   ')
    children.forEach((child, i) => {
      visit(child, inner, i === children.length - 1, false)
    })
  }
  visit(root, '', true, true)
  return lines.join('\n')
}
