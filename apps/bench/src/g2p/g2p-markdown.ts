import { kernelsPhrase } from '../machine';
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

/** `results/g2p.md`. */
export function g2pMarkdown(r: G2PResults): string {
  const m = r.model;
  const lines = [
    `# g2p${r.quick ? ' (quick run: tiny data, not for comparison)' : ''}`,
    '',
    `Measured on ${r.machine.cpu} (${r.machine.cores} cores, shared with other jobs), Node ${r.machine.node}, tfjs ${r.machine.tfjs} ${r.machine.backend} with @gated/wasm (engines ${r.accelerator.engines.join(', ')}; ${r.accelerator.threads} threads)${r.machine.kernels ? `; ${kernelsPhrase(r.machine)}` : ''}.`,
    '',
    `Model: \`${m.dir}\` — ${m.parameters.toLocaleString('en-US')} parameters, ${m.trainedSteps.toLocaleString('en-US')} steps (${(m.trainingSeconds / 60).toFixed(1)} min of training recorded in the checkpoint). Shipped as F16 (\`${m.f16Dir}\`): **${m.f16Bytes.toLocaleString('en-US')} bytes** of weights (F32: ${m.f32Bytes.toLocaleString('en-US')}).`,
    '',
    ...(r.quick ? [] : [m.recipe ?? `Recipe: not recorded (no RECIPE.md in \`${m.runDir}\`).`, '']),
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
