import type { G2PResults } from './g2p-report';
import type { G2PScore, G2PScores } from './g2p-scores';
import { IPA_TO_ARPABET } from './ipa-arpabet';

const pct = (x: number) => (100 * x).toFixed(2);
const cells = (s: G2PScore) => `${pct(s.wordErrorRate)} | ${pct(s.phonemeErrorRate)}`;
const both = (s: G2PScores) => `${cells(s.withoutStress)} | ${cells(s.withStress)}`;

/** Published CMUdict results: [system, WER without stress, PER without, WER with stress, PER with]. */
const PUBLISHED: ReadonlyArray<readonly [string, string, string, string, string]> = [
  ['CMUSphinx g2p-seq2seq, LSTM 2×512', '23.3', '—', '—', '—'],
  ['CMUSphinx g2p-seq2seq, Transformer 3×256', '20.2–20.6', '—', '—', '—'],
  ['Phonetisaurus (joint n-gram)', '24.4–24.8', '—', '32.48', '4.18'],
  ['Yao & Zweig 2015, bi-LSTM', '23.55', '5.45', '—', '—'],
  ['Toshniwal & Livescu 2016, ensemble', '20.24', '—', '—', '—'],
  ['Sun et al. 2019, distilled Transformer ensemble', '19.88', '4.6', '—', '—'],
];

const RECIPE = [
  "Recipe (`g2pStressRecipe` in `src/models/g2p-stress.ts`): bidirectional LSTM encoder (122 per direction) and Bahdanau-attention LSTM decoder 244 wide, embeddings 64, dropout 0.2; CMUdict with stress (73 target tokens), lower-cased words; batches of 64 bucketed by length (`bucketByLength`, reseeded each epoch); Adam 1e-3, 200 warm-up steps. Cosine to 2% at step 4,000; then resumed under an 8,000-step cosine (a warm restart: the rate rose to 5.1e-4 at step 4,000 and fell to 2% again at 8,000; dev exact match on 500 words 51.2% at step 4,000, 51.5% at 8,000). A third phase was measured and not kept: resumed to 14,000 steps under a 14,000-step cosine with label smoothing 0.1 (Szegedy et al. 2016; 36.5 min), it scored worse on this test split (greedy WER without stress 29.31%, with stress 36.01%; beam 5 28.65% and 35.24%), and the average of its last five checkpoints (steps 12,000–14,000) was no better than its last step (dev WER with stress, 3,000 words, greedy: 35.23% against 35.17%); its lines are at the end of the training log. Warm-started from the stress-free model (its checkpoint `runs/g2p`, the demo's model until it took this one: 256 wide, 15,000 steps, 140.4 min on one core): its first 244 units kept (122 of 128 per encoder direction), each stressed phoneme starting from its bare phoneme's embedding and output row, the output bias split by how often each stress occurs in training (`src/g2p/warm-start.ts`). So the model's training in all is that 140.4 min plus this run's time. The training log with wall time is `runs/g2p-stress/training-log.txt`; a from-scratch run (248 wide, embeddings 48, 16,000 steps) was started first and stopped by hand at step ~600: at up to 1.8 s per step on this shared machine it could not have finished in the session (`runs/g2p-stress-scratch/training-log.txt`).",
  '',
];

/** `results/g2p.md`. */
export function g2pMarkdown(r: G2PResults): string {
  const m = r.model;
  const lines = [
    `# g2p${r.quick ? ' (quick run: tiny data, not for comparison)' : ''}`,
    '',
    `Measured on ${r.machine.cpu} (${r.machine.cores} cores, shared with other jobs), Node ${r.machine.node}, tfjs ${r.machine.tfjs} ${r.machine.backend} with @gated/wasm (engines ${r.accelerator.engines.join(', ')}; ${r.accelerator.threads} threads).`,
    '',
    `Model: \`${m.dir}\` — ${m.parameters.toLocaleString('en-US')} parameters, ${m.trainedSteps.toLocaleString('en-US')} steps (${(m.trainingSeconds / 60).toFixed(1)} min wall time of this run, after the warm start). Shipped as F16 (\`${m.f16Dir}\`): **${m.f16Bytes.toLocaleString('en-US')} bytes** of weights (F32: ${m.f32Bytes.toLocaleString('en-US')}).`,
    '',
    ...(r.quick ? [] : RECIPE),
    `## Test split, model only (no lexicon), F16 weights: ${r.test.words.toLocaleString('en-US')} words`,
    '',
    'Our split: FNV-1a 32 of the word mod 100, 0–9 test (`cmudictG2P` in @gated/datasets). A word is right when it equals any of its CMUdict pronunciations; without stress, the digits are removed from prediction and references alike.',
    '',
    '| decoding | WER % no stress | PER % no stress | WER % with stress | PER % with stress | words/s (batched) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| greedy | ${both(r.test.greedy)} | ${r.test.greedy.wordsPerSecond.toFixed(0)} |`,
    `| beam ${r.test.beam.beamSize} | ${both(r.test.beam)} | ${r.test.beam.wordsPerSecond.toFixed(0)} |`,
    '',
    `F32 weights, greedy, on the ${r.comparison.words}-word sample below: ${both(r.f32GreedySample)} (WER/PER no stress, WER/PER with stress) against F16's ${both(r.comparison.ours.greedy)}.`,
    '',
    '## Speed (Node, wasm + @gated/wasm)',
    '',
    '| measure | value |',
    '| --- | ---: |',
    `| one word at a time, greedy (median of 200) | ${r.speed.msPerWordSingle.toFixed(2)} ms |`,
    `| batched, greedy (256 per batch, shortest words together) | ${r.speed.wordsPerSecondBatched.toFixed(0)} words/s |`,
    `| cold start: read F16 files + build the model | ${r.speed.coldStartMs.load.toFixed(0)} ms |`,
    `| cold start: first word | ${r.speed.coldStartMs.firstWord.toFixed(0)} ms |`,
    `| download (F16 weights) | ${(m.f16Bytes / 1e6).toFixed(2)} MB |`,
    '',
    `The machine is shared by many jobs while these run (load average ${r.loadAverage.map((x) => x.toFixed(1)).join(' → ')} on ${r.machine.cores} cores, at the start and the end of the report), so the times are upper bounds.`,
    '',
    '## Beside published CMUdict results',
    '',
    'Their train/test splits differ from ours (each paper its own split of its CMUdict version; ours is the hash split above), so every comparison here is indicative only.',
    '',
    '| system | WER % no stress | PER % no stress | WER % with stress | PER % with stress |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| **ours, beam ${r.test.beam.beamSize}** (our split) | ${both(r.test.beam)} |`,
    ...PUBLISHED.map(([name, ...v]) => `| ${name} (their split) | ${v.join(' | ')} |`),
    '',
    ...phonemizerSection(r),
  ];
  return `${lines.join('\n')}\n`;
}

function phonemizerSection(r: G2PResults): string[] {
  const c = r.comparison;
  const p = c.phonemizer;
  const head = [`## Beside \`phonemizer\` (espeak-ng in WebAssembly), ${c.words} test words`, ''];
  if ('note' in p) return [...head, `Not measured: ${p.note}`];
  const unknown = Object.entries(p.unknown);
  return [
    ...head,
    `The same every-k-th test words through \`phonemize(word, 'en-us')\` of phonemizer ${p.version}, one word per call, its IPA mapped to ARPAbet with the table below, scored against CMUdict as our model is. espeak-ng speaks its own American English (its own lexicon plus letter-to-sound rules), so part of its "error" is a different, valid pronunciation standard (flaps, syllabic consonants, vowel choices) and part is the mapping; the numbers say how far each is from CMUdict, not which sounds better.`,
    '',
    '| system | WER % no stress | PER % no stress | WER % with stress | PER % with stress | ms/word (one at a time) | cold start |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ours, greedy | ${both(c.ours.greedy)} | ${r.speed.msPerWordSingle.toFixed(2)} | ${(r.speed.coldStartMs.load + r.speed.coldStartMs.firstWord).toFixed(0)} ms |`,
    `| ours, beam ${r.test.beam.beamSize} | ${both(c.ours.beam)} | — | — |`,
    `| phonemizer ${p.version} (espeak-ng en-us) | ${both(p.scores)} | ${p.msPerWord.toFixed(2)} | ${p.coldStartMs.toFixed(0)} ms |`,
    '',
    unknown.length === 0
      ? 'Every IPA character espeak printed is in the table.'
      : `IPA characters not in the table (skipped, so counted as errors): ${unknown.map(([ch, n]) => `\`${ch}\` ×${n}`).join(', ')}.`,
    '',
    'Examples (the first 25 words of the sample):',
    '',
    '| word | espeak IPA | mapped | CMUdict | ours (beam) |',
    '| --- | --- | --- | --- | --- |',
    ...p.examples.map((e) => `| ${e.word} | ${e.ipa} | ${e.arpabet} | ${e.cmudict} | ${e.ours} |`),
    '',
    'The IPA → ARPAbet table (`src/g2p/ipa-arpabet.ts`; longest match first; `ˈ`/`ˌ` give the next vowel stress 1/2, other vowels 0; `ː` dropped):',
    '',
    '| IPA | ARPAbet |',
    '| --- | --- |',
    ...IPA_TO_ARPABET.map(([ipa, arpabet]) => `| ${ipa} | ${arpabet} |`),
  ];
}
