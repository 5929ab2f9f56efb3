// Node's Buffer carries unchecked encoding methods that skip `toString`'s argument normalisation;
// @types/node does not declare them. They are what Buffer#toString and Buffer#write call underneath.

export interface FastBuffer extends Buffer {
  utf8Slice(start: number, end: number): string
  latin1Slice(start: number, end: number): string
  utf8Write(value: string, offset: number): number
}

export function fast(buffer: Buffer): FastBuffer {
  return buffer as FastBuffer
}
