import {
  checkTaskOptions,
  generate,
  symbols,
  type TaskOptions,
  type TextExample,
} from './task-options';

export interface SymbolTaskOptions extends TaskOptions {
  /** Distinct symbols (a, b, c, …). Default 10. */
  vocabularySize?: number;
}

function symbolTask(name: string, transform: (source: string[], alphabet: string[]) => string[]) {
  return (options: SymbolTaskOptions): TextExample[] => {
    checkTaskOptions(name, options);
    const alphabet = symbols(name, options.vocabularySize ?? 10);
    return generate(options, (random, length) => {
      const source = Array.from(
        { length },
        () => alphabet[Math.floor(random() * alphabet.length)]!,
      );
      return { source, target: transform(source, alphabet) };
    });
  };
}

/** Copy: the target is the source. Length = symbols in the source. */
export const copyTask = symbolTask('copyTask', (source) => [...source]);

/** Reverse (Sutskever et al. 2014's probe of memory): the target is the source backwards. */
export const reverseTask = symbolTask('reverseTask', (source) => [...source].reverse());

/** Sort: the target is the source's symbols in alphabet order. */
export const sortTask = symbolTask('sortTask', (source, alphabet) =>
  [...source].sort((a, b) => alphabet.indexOf(a) - alphabet.indexOf(b)),
);
