import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, type Seq2Seq } from '@gated/seq2seq';
import { readCheckpoint } from '@gated/seq2seq/node';
import * as tf from '@tensorflow/tfjs';

/**
 * Checkpoint averaging (Vaswani et al. 2017, §6.1: the last checkpoints averaged; Popel & Bojar
 * 2018 measure it): sets every parameter of `model` to the mean of its values in the checkpoints
 * `dirs` (`config.json` + `weights.safetensors`), which must have `model`'s parameters. `model`
 * keeps its own config and is unchanged when this throws.
 *
 * @param dirs checkpoint folders, at least one
 * @throws naming the folder and parameter that do not match `model`
 */
export function averageCheckpointsInto(model: Seq2Seq, dirs: readonly string[]): void {
  if (dirs.length === 0)
    throw new Error('averageCheckpointsInto: expected at least one folder, got none');
  const own = model.stateDict();
  const sums = new Map<string, tf.Tensor>();
  try {
    for (const dir of dirs) {
      const { model: other } = loadModel(readCheckpoint(dir));
      const dict = other.stateDict();
      try {
        const names = Object.keys(dict);
        if (names.length !== Object.keys(own).length || names.some((n) => !(n in own)))
          throw new Error(
            `averageCheckpointsInto: ${dir} has ${names.length} parameters, not named as the model's ${Object.keys(own).length}`,
          );
        for (const [name, value] of Object.entries(dict))
          if (own[name]!.shape.join() !== value.shape.join())
            throw new Error(
              `averageCheckpointsInto: ${name} is [${value.shape}] in ${dir}, [${own[name]!.shape}] in the model`,
            );
        for (const [name, value] of Object.entries(dict)) {
          const sum = sums.get(name);
          sums.set(name, sum ? tf.add(sum, value) : tf.clone(value));
          sum?.dispose();
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
      model.loadStateDict(means);
    } finally {
      tf.dispose(Object.values(means));
    }
  } finally {
    tf.dispose([...sums.values(), ...Object.values(own)]);
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
