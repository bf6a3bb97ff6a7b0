/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of `text`: a tiny, well-known hash anyone can
 * reimplement, used for splits that must be reproducible across languages.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Which of `train` / `dev` / `test` a key falls in: hash mod 100, 0–9 test, 10–14 dev, the rest train. */
export function hashSplit(key: string): 'train' | 'dev' | 'test' {
  const bucket = fnv1a32(key) % 100;
  return bucket < 10 ? 'test' : bucket < 15 ? 'dev' : 'train';
}
