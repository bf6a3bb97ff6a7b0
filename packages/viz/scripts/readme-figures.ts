/**
 * Draws the README's figures from a real model: an attention model trained for a minute to
 * reverse sequences (its attention is the anti-diagonal), rendered to SVG, PNG and the terminal.
 * Run: pnpm --filter @gated/viz figures (after pnpm build).
 */
import { writeFileSync } from 'node:fs';
import { seededRandom } from '@gated/cells';
import { beamSearch, Seq2Seq, Trainer } from '@gated/seq2seq';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { attentionHeatmap, renderTerminalHeatmap } from '../src/index';
import { writeFigure } from '../src/node';

await tf.setBackend('wasm');
const letters = 'abcdefghijklmnopqrst';
const random = seededRandom(1);
const example = () => {
  const source = Array.from(
    { length: 5 + Math.floor(random() * 11) },
    () => 3 + Math.floor(random() * 20),
  );
  return { source, target: [...source].reverse() };
};
const model = new Seq2Seq({
  sourceVocabSize: 23,
  targetVocabSize: 23,
  padId: 0,
  bosId: 1,
  eosId: 2,
  cell: 'gru',
  embeddingSize: 32,
  hiddenSize: 64,
  seed: 42,
});
const trainer = new Trainer(model, {
  learningRate: 3e-3,
  schedule: { type: 'warmup-cosine', warmupSteps: 50, totalSteps: 500, minFactor: 0.05 },
});
await trainer.fit({
  train: Array.from({ length: 4000 }, example),
  maxSteps: 500,
  onProgress: (e) =>
    e.type === 'step' &&
    e.step % 100 === 0 &&
    console.log(`step ${e.step} loss ${e.loss.toFixed(3)}`),
});
const word = Array.from('attention');
const source = word.map((c) => 3 + letters.indexOf(c));
const [best] = beamSearch(model, [source], { beamSize: 3 })[0]!;
const output = [...best!.tokens.map((id) => letters[id - 3]!), '</s>'];
console.log(`${word.join('')} → ${output.join('')}`);
const spec = attentionHeatmap(best!.attention!, word, output, {
  title: 'Attention of a model that learned to reverse',
});
await writeFigure('docs/attention-heatmap.svg', spec);
await writeFigure('docs/attention-heatmap.png', spec);
const terminal = renderTerminalHeatmap(best!.attention!, {
  rowLabels: output,
  columnLabels: word,
  color: 'none',
});
writeFileSync('docs/attention-heatmap.txt', terminal);
console.log(terminal);
