/** How a typed input was turned into what a model reads. */
export interface InputReading {
  /** What the model reads. */
  text: string;
  /** What was changed, in words (empty when nothing was). */
  changes: string[];
  /** Characters of `text` the model has no token for, each once, in order of appearance. */
  unreadable: string[];
}

/**
 * Pronunciation input as the model was trained on it (CMUdict's lower-case words): surrounding
 * punctuation and spaces removed, capitals lowered, so `Zebra`, `ZEBRA` and `“zebra,”` read as
 * `zebra`. Inner apostrophes and hyphens stay (`don't`).
 */
export function readWord(typed: string, known: (character: string) => boolean): InputReading {
  const changes: string[] = [];
  const trimmed = typed.trim();
  const lead = /^[\p{P}\p{S}\s]*/u.exec(trimmed)![0];
  const core = trimmed.slice(lead.length).replace(/[\p{P}\p{S}\s]+$/u, '');
  const trail = trimmed.slice(lead.length + core.length);
  const removed = [...new Set([...lead, ...trail].filter((c) => !/\s/.test(c)))];
  if (removed.length > 0) changes.push(`removed the surrounding punctuation ${removed.join(' ')}`);
  const lower = core.toLowerCase();
  if (lower !== core) changes.push('lower-cased (the dictionary is lower case)');
  return { text: lower, changes, unreadable: unreadableCharacters(lower, known) };
}

/** Date input: only surrounding spaces are removed (case and punctuation carry meaning). */
export function readDate(typed: string, known: (character: string) => boolean): InputReading {
  const text = typed.trim();
  return { text, changes: [], unreadable: unreadableCharacters(text, known) };
}

function unreadableCharacters(text: string, known: (character: string) => boolean): string[] {
  return [...new Set([...text].filter((c) => !known(c)))];
}

/** `“é” (U+00E9)`: a character named so that an invisible or confusable one can be seen. */
export function nameCharacter(c: string): string {
  const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return /\s/.test(c) ? `U+${code}` : `“${c}” (U+${code})`;
}
