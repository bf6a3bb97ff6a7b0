/**
 * Run in a separate Node process by resume.test.ts: loads a training checkpoint, trains to
 * `maxSteps`, and writes the final weights. Usage: resume-child.ts <checkpoint-dir> <maxSteps> <out-file>
 */
import { writeFileSync } from 'node:fs';
import { encodeSafetensors } from '@gated/cells';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { loadTraining } from '../src/checkpoint';
import { readCheckpoint } from '../src/node';
import { tinyExamples } from './tiny-task';

const [dir, maxSteps, out] = process.argv.slice(2);
await tf.setBackend(process.env.GATED_TEST_BACKEND ?? 'wasm');
const { trainer } = loadTraining(readCheckpoint(dir!));
await trainer.fit({ train: tinyExamples(60, 7), maxSteps: Number(maxSteps) });
const dict = trainer.model.stateDict();
writeFileSync(out!, encodeSafetensors(dict));
console.log(`resumed at step ${trainer.state.step}`);
