import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TextModel } from '@gated/models';
import { loadTextModel } from '@gated/models/node';
import * as tf from '@tensorflow/tfjs';

/**
 * Checkpoint averaging (Vaswani et al. 2017, §6.1: the last checkpoints averaged; Popel & Bojar
 * 2018 measure it): every parameter is the mean of its values in `dirs`, which must hold one
 * architecture. The model is built from the first folder, so it carries that folder's config and
 * vocabularies.
 *
 * @param dirs checkpoint folders (`config.json` + `weights.safetensors`), at least one
 * @returns the averaged model, the caller's to dispose
 * @throws naming the folder whose parameters differ from the first's
 */
export function averageCheckpoints(dirs: readonly string[]): TextModel {
  if (dirs.length === 0)
    throw new Error('averageCheckpoints: expected at least one folder, got none');
  const averaged = loadTextModel(dirs[0]!);
  const sums = new Map(Object.entries(averaged.model.stateDict()));
  try {
    for (const dir of dirs.slice(1)) {
      const other = loadTextModel(dir);
      const dict = other.model.stateDict();
      try {
        const names = Object.keys(dict);
        if (names.length !== sums.size || names.some((n) => !sums.has(n)))
          throw new Error(
            `averageCheckpoints: ${dir} has ${names.length} parameters, not named as ${dirs[0]}'s ${sums.size}`,
          );
        for (const [name, value] of Object.entries(dict)) {
          const sum = sums.get(name)!;
          if (sum.shape.join() !== value.shape.join())
            throw new Error(
              `averageCheckpoints: ${name} is [${value.shape}] in ${dir}, [${sum.shape}] in ${dirs[0]}`,
            );
        }
        for (const [name, value] of Object.entries(dict)) {
          const sum = sums.get(name)!;
          sums.set(name, tf.add(sum, value));
          sum.dispose();
        }
      } finally {
        tf.dispose(Object.values(dict));
        other.dispose();
      }
    }
    const means = Object.fromEntries(
      [...sums].map(([name, sum]) => [name, tf.div(sum, dirs.length)] as const),
    );
    try {
      averaged.model.loadStateDict(means);
    } finally {
      tf.dispose(Object.values(means));
    }
    return averaged;
  } catch (error) {
    averaged.dispose();
    throw error;
  } finally {
    tf.dispose([...sums.values()]);
  }
}

/** The `step-N` folders under `dir`, by step, the last `count` of them. */
export function lastSnapshots(dir: string, count: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, step: /^step-(\d+)$/.exec(name)?.[1] }))
    .filter((entry): entry is { name: string; step: string } => entry.step !== undefined)
    .sort((a, b) => Number(a.step) - Number(b.step))
    .slice(-count)
    .map((entry) => join(dir, entry.name));
}
