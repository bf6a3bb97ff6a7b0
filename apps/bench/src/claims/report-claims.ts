import { attentionHeatmap, lineChart, type TopLevelSpec } from '@gated/viz';
import type { ClaimsResults } from './run-claims';

export function claimsMarkdown(results: ClaimsResults): string {
  const { parameterCounts, vanishingGradients: vg, bottleneck: b } = results;
  const pct = (x: number) => (Number.isNaN(x) ? '—' : (100 * x).toFixed(0));
  const lines = [
    `# The seed's claims, measured${results.quick ? ' (quick run: tiny sizes, not conclusive)' : ''}`,
    '',
    `Run ${results.machine.date.slice(0, 10)} on ${results.machine.cpu} (${results.machine.cores} cores), tfjs ${results.machine.tfjs} ${results.machine.backend}${(results.reruns ?? []).map((r) => `; ${r.claims.join(', ')} measured again ${r.machine.date.slice(0, 10)} on ${r.machine.cpu} (${r.machine.cores} cores)`).join('')}. Each verdict is computed from the numbers below it.`,
    '',
    '## 1. Parameter counts',
    '',
    parameterCounts.verdict,
    '',
    '| layer | input | hidden | parameters | G·H·(I+H+2) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...parameterCounts.rows.map(
      (r) => `| ${r.kind} | ${r.input} | ${r.hidden} | ${r.measured} | ${r.formula} |`,
    ),
    '',
    '## 2. Vanishing gradients',
    '',
    `‖∂L/∂x_t‖ for a loss on the last step of a ${vg.length}-step sequence (input 8, hidden 32, batch 16), mean over ${vg.seeds} seeds, against the distance of x_t from the output. Figure: \`claims-vanishing-gradients.svg\`.`,
    '',
    vg.verdict,
    '',
    '| distance | RNN | LSTM | GRU |',
    '| ---: | ---: | ---: | ---: |',
    ...vg.distances
      .filter((d) => d % Math.max(1, Math.floor(vg.length / 10)) === 0 || d === vg.length - 1)
      .map(
        (d) =>
          `| ${d} | ${vg.rnn[d]!.toExponential(2)} | ${vg.lstm[d]!.toExponential(2)} | ${vg.gru[d]!.toExponential(2)} |`,
      ),
    '',
    ...memorySection(results),
    ...raceSection(results),
    '## 5. The bottleneck, and 6. source reversal',
    '',
    `${b.task}; ${b.trainingSteps} training steps each; parameters: attention ${b.parameters.attention}, fixed vector ${b.parameters.noAttention}. Figure: \`claims-bottleneck.svg\`.`,
    '',
    b.verdict,
    '',
    b.reversalVerdict,
    '',
    '| source length | attention % | fixed vector % | fixed vector, reversed source % |',
    '| ---: | ---: | ---: | ---: |',
    ...b.lengths.map(
      (length, i) =>
        `| ${length} | ${pct(b.attention[i]!)} | ${pct(b.noAttention[i]!)} | ${pct(b.noAttentionReversed[i]!)} |`,
    ),
    '',
    ...alignmentSection(results),
  ];
  return `${lines.join('\n')}\n`;
}

export function claimsFigures(results: ClaimsResults): Record<string, TopLevelSpec> {
  const vg = results.vanishingGradients;
  const b = results.bottleneck;
  const distances = vg.distances.map((d) => d + 1); // a log axis cannot show 0
  return {
    'claims-vanishing-gradients.svg': lineChart({
      title: 'Gradient reaching x_t, by distance from the loss (untrained)',
      series: [
        { name: 'RNN', x: distances, y: vg.rnn },
        { name: 'LSTM', x: distances, y: vg.lstm },
        { name: 'GRU', x: distances, y: vg.gru },
      ],
      xTitle: 'distance + 1 (steps)',
      yTitle: '‖∂L/∂x_t‖',
      logY: true,
      points: false,
    }),
    'claims-bottleneck.svg': lineChart({
      title: 'Exact match against source length (copy task)',
      series: [
        { name: 'attention', x: b.lengths, y: b.attention },
        { name: 'fixed vector', x: b.lengths, y: b.noAttention },
        { name: 'fixed vector, reversed source', x: b.lengths, y: b.noAttentionReversed },
      ],
      xTitle: 'source length',
      yTitle: 'exact match',
    }),
    ...optionalFigures(results),
  };
}

function optionalFigures(results: ClaimsResults): Record<string, TopLevelSpec> {
  const figures: Record<string, TopLevelSpec> = {};
  const m = results.memoryHorizon;
  if (m)
    figures['claims-memory-horizon.svg'] = lineChart({
      title: `Long-range recall with input noise σ = ${m.inputNoise}, equal training time`,
      series: [
        { name: 'RNN', x: m.distances, y: m.rnn },
        { name: 'GRU', x: m.distances, y: m.gru },
        { name: 'LSTM', x: m.distances, y: m.lstm },
      ],
      xTitle: 'distance (steps between key and question)',
      yTitle: 'accuracy',
      logX: true,
    });
  const a = results.alignment;
  if (a) {
    const d = a.examples.dates;
    figures['claims-alignment-dates.svg'] = attentionHeatmap(d.attention, d.source, d.output, {
      title: `Attention, dates: ${d.source.join('')}`,
    });
    const g = a.examples.g2p;
    if (g)
      figures['claims-alignment-g2p.svg'] = attentionHeatmap(g.attention, g.source, g.output, {
        title: `Attention, G2P: ${g.source.join('')}`,
      });
  }
  return figures;
}

const percent = (x: number) => (Number.isNaN(x) ? '—' : (100 * x).toFixed(0));

function memorySection(results: ClaimsResults): string[] {
  const m = results.memoryHorizon;
  if (!m)
    return [
      '## 3. Memory horizon',
      '',
      'Not measured in this run (`pnpm bench claims --only memory`).',
      '',
    ];
  const clean = m.clean.runs;
  const scratchAt = (cell: 'rnn' | 'gru' | 'lstm', d: number) => {
    const i = m.scratch.distances.indexOf(d);
    return i < 0 ? '' : percent(m.scratch[cell][i]!);
  };
  return [
    '## 3. Memory horizon',
    '',
    `Long-range recall (a key, N distractors, \`?\` → the key; 4 keys, chance 25%), hidden ${m.hiddenSize}, Adam 3e-3, batch 32. **With interference**: Gaussian noise (σ = ${m.inputNoise}) on every embedded input; each cell trains ${(m.budgetSeconds / 60).toFixed(1)} minutes on a curriculum (the next distance once 95% of 128 held-out sequences are right, a quarter of the steps revisiting shorter ones), then every distance is tested on 256 new sequences. **Clean**: the same without noise, ${(m.clean.budgetSeconds / 60).toFixed(1)} minutes. **From scratch**: a fresh model per distance, ${m.scratch.steps} updates on that distance only. Figure: \`claims-memory-horizon.svg\` (with interference).`,
    '',
    m.verdict,
    '',
    '| distance | with interference: RNN % | GRU % | LSTM % | clean: RNN % | GRU % | LSTM % | from scratch: RNN % | GRU % | LSTM % |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...m.distances.map(
      (d, i) =>
        `| ${d} | ${percent(m.rnn[i]!)} | ${percent(m.gru[i]!)} | ${percent(m.lstm[i]!)} | ${percent(clean.rnn.accuracy[i]!)} | ${percent(clean.gru.accuracy[i]!)} | ${percent(clean.lstm.accuracy[i]!)} | ${scratchAt('rnn', d)} | ${scratchAt('gru', d)} | ${scratchAt('lstm', d)} |`,
    ),
    '',
    '| cell | with interference: steps | distance mastered in the curriculum | ms per step (median, mixed distances) |',
    '| --- | ---: | ---: | ---: |',
    ...(['rnn', 'gru', 'lstm'] as const).map(
      (cell) =>
        `| ${cell.toUpperCase()} | ${m.runs[cell].steps} | ${m.runs[cell].mastered || '—'} | ${m.runs[cell].msPerStep.toFixed(1)} |`,
    ),
    '',
  ];
}

function raceSection(results: ClaimsResults): string[] {
  const g = results.gruVsLstm;
  if (!g)
    return [
      '## 4. GRU against LSTM',
      '',
      'Not measured in this run (`pnpm bench claims --only gru-vs-lstm`).',
      '',
    ];
  return [
    '## 4. GRU against LSTM',
    '',
    `Two tasks and budgets: the recall runs of claim 3 with interference (the same training time) and a Seq2Seq with Bahdanau attention learning to reverse (${g.reversal.task}; the same ${g.reversal.steps} updates).`,
    '',
    g.verdict,
    '',
    '| cell | recall: horizon (≥ 90%) | reversal: parameters | reversal: exact match % | reversal: ms/step |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...g.reversal.cells.map(
      (c) =>
        `| ${c.cell.toUpperCase()} | ${g.recall[c.cell].reach} | ${c.parameters} | ${percent(c.exactMatch)} | ${c.msPerStep.toFixed(1)} |`,
    ),
    '',
  ];
}

function alignmentSection(results: ClaimsResults): string[] {
  const a = results.alignment;
  if (!a)
    return [
      '## 7. Attention alignment',
      '',
      'Not measured in this run (`pnpm bench claims --only alignment`).',
      '',
    ];
  const lines = [
    '## 7. Attention alignment',
    '',
    `The demo's shipped models. Dates: for each digit of the ISO output, the attention on the input characters that write the same field (year, month, day), against the share those characters have of the input (attention spread evenly). Figures: \`claims-alignment-dates.svg\`${a.g2p ? ', `claims-alignment-g2p.svg`' : ''}.`,
    '',
    a.verdict,
    '',
    '| dates | year | month | day | all |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| attention on the field % | ${percent(a.dates.share.year)} | ${percent(a.dates.share.month)} | ${percent(a.dates.share.day)} | ${percent(a.dates.share.all)} |`,
    `| chance % | ${percent(a.dates.uniformShare.year)} | ${percent(a.dates.uniformShare.month)} | ${percent(a.dates.uniformShare.day)} | ${percent(a.dates.uniformShare.all)} |`,
    '',
  ];
  if (a.g2p)
    lines.push(
      `G2P, ${a.g2p.examples} correctly pronounced test words (stress digits aside): attention centre moving forward or staying ${percent(a.g2p.monotonicShare)}% of steps; attention within two letters of the diagonal ${percent(a.g2p.nearDiagonalShare)}% (chance ${percent(a.g2p.uniformNearDiagonalShare)}%).`,
      '',
    );
  return lines;
}
