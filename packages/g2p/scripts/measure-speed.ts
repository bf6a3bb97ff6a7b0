/**
 * How fast @gated/g2p pronounces, in Node: cold start, one word at a time, and batched.
 *
 *   node --expose-gc --import tsx packages/g2p/scripts/measure-speed.ts [--backend wasm|cpu]
 *     [--no-accelerator] [--threads N|auto] [--beam N] [--words N] [--json]
 *
 * Words are the first N (default 1,000) of our CMUdict test split, all sent to the model
 * (`lexicon: false`), so every timing is the model's. Not a unit test: timings belong in a
 * report, with the machine they were taken on.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadCmudictG2P } from '@gated/datasets';
import { installWasmKernels } from '@gated/wasm';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createG2P } from '../src/index';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    'no-accelerator': { type: 'boolean', default: false },
    beam: { type: 'string', default: '1' },
    threads: { type: 'string', default: 'auto' },
    words: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
  },
});
const beamSize = Number(values.beam);
const count = Number(values.words);

const started = performance.now();
tf.env().set('PROD', true);
await tf.setBackend(values.backend!);
await tf.ready();
const accelerator =
  values.backend === 'wasm' && !values['no-accelerator']
    ? await installWasmKernels({
        threads: values.threads === 'auto' ? 'auto' : Number(values.threads),
      })
    : undefined;
const backendMs = performance.now() - started;

// Cold start, as a page or a CLI meets it: a new pronouncer, CMUdict imported, the model read and
// built, and one dictionary word and one model word pronounced.
const coldStarted = performance.now();
const first = await createG2P();
await first.pronounce('Hello gatedness');
const coldStartMs = performance.now() - coldStarted;
first.dispose();

// The model alone: read, built, and its first word.
const modelStarted = performance.now();
const g2p = await createG2P({ lexicon: false, beamSize, batchSize: 256 });
const info = await g2p.load();
const loadMs = performance.now() - modelStarted;
await g2p.pronounceWords(['zebra']);
const modelColdMs = performance.now() - modelStarted;

const words = (await loadCmudictG2P()).test.slice(0, count).map((e) => e.word);

// One word per call, as an app pronouncing words as they come.
await g2p.pronounceWords(words.slice(0, 20)); // warm-up: kernels compiled, weights transposed
// CPU time (all threads, from getrusage) beside wall time: on a machine others share, wall time
// includes waiting for a core, CPU time does not.
const cpuMs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const single: number[] = [];
let bestSingle = Number.POSITIVE_INFINITY;
const singleCpu = process.cpuUsage();
for (const word of words.slice(0, Math.min(300, words.length))) {
  const t = performance.now();
  await g2p.pronounceWords([word]);
  single.push(performance.now() - t);
  bestSingle = Math.min(bestSingle, single.at(-1)!);
}
const singleCpuMs = cpuMs(singleCpu) / single.length;
single.sort((a, b) => a - b);
const quantile = (q: number) => single[Math.min(single.length - 1, Math.floor(q * single.length))]!;

// The whole list in one call: batches of 256, shortest words together.
const batched: number[] = [];
const batchedCpu = process.cpuUsage();
for (let run = 0; run < 3; run++) {
  const t = performance.now();
  await g2p.pronounceWords(words);
  batched.push(words.length / ((performance.now() - t) / 1000));
}
const batchedCpuMsPerWord = cpuMs(batchedCpu) / (3 * words.length);
g2p.dispose();

const result = {
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.versions.node}`,
  backend: values.backend,
  accelerator: accelerator ? `@gated/wasm, ${accelerator.threads} threads` : 'none',
  beamSize,
  parameters: info.parameters,
  backendMs: Math.round(backendMs),
  modelLoadMs: Math.round(loadMs),
  coldStartMs: Math.round(coldStartMs),
  modelColdStartMs: Math.round(modelColdMs),
  singleWordMs: {
    median: Number(quantile(0.5).toFixed(2)),
    p90: Number(quantile(0.9).toFixed(2)),
    best: Number(bestSingle.toFixed(2)),
    cpuMsPerWord: Number(singleCpuMs.toFixed(2)),
    words: single.length,
  },
  batchedWordsPerSecond: Math.round(Math.max(...batched)),
  batchedCpuMsPerWord: Number(batchedCpuMsPerWord.toFixed(3)),
  batchedWords: words.length,
};
if (values.json) console.log(JSON.stringify(result, null, 2));
else
  console.log(
    [
      `${result.machine}; ${result.backend}, accelerator ${result.accelerator}, beam ${beamSize}`,
      `cold start (CMUdict + model + 'Hello gatedness'): ${result.coldStartMs} ms; the model alone (load ${result.modelLoadMs} ms + first word) ${result.modelColdStartMs} ms; backend ${result.backendMs} ms`,
      `single word: median ${result.singleWordMs.median} ms, p90 ${result.singleWordMs.p90} ms, best ${result.singleWordMs.best} ms; CPU ${result.singleWordMs.cpuMsPerWord} ms a word (${single.length} words)`,
      `batched: ${result.batchedWordsPerSecond} words/s (${words.length} words, best of 3); CPU ${result.batchedCpuMsPerWord} ms a word`,
    ].join('\n'),
  );
