import { barChart, lineChart, type TopLevelSpec } from '@gated/viz';
import { kernelsPhrase } from '../machine';
import type { SpeedEntry, SpeedResults } from './run-speed';
import { describe } from './run-speed';
import type { SoakResult } from './soak';

const ms = (value: number | undefined) =>
  value === undefined ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1);
const ratio = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`);

/** `results/speed.md`: the headline verdicts, then the grid. */
export function speedMarkdown(results: SpeedResults): string {
  const { machine } = results;
  const lines = [
    `# Speed${results.quick ? ' (quick run: small sizes, not for comparison)' : ''}`,
    '',
    `Measured ${machine.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, tfjs ${machine.tfjs}, backend ${machine.backend}` +
      (machine.backend === 'wasm'
        ? ` (SIMD ${machine.wasmSimd ? 'on' : 'off'}, threads ${machine.wasmThreads ? 'on' : 'off'})`
        : '') +
      (machine.kernels ? `; ${kernelsPhrase(machine)}` : '') +
      `. Median of ${results.protocol.reps} runs or more after ${results.protocol.warmup} warm-up runs or more${results.protocol.minMs ? ` (each phase at least ${results.protocol.minMs} ms, so that fast subjects get as much warm-up time as slow ones and more samples)` : ''}; training step = ${results.protocol.optimizer} on ${results.protocol.loss}.`,
    '',
    'Peers: ' +
      Object.entries(results.peers)
        .map(
          ([name, peer]) =>
            `${name} ${peer.measured ? `${peer.version ?? ''}${peer.threads ? `, 1 or ${peer.threads} threads (the faster at each size)` : ''}` : `— ${peer.note}`}`,
        )
        .join('; ') +
      '.',
    '',
    'gated runs with `@gated/wasm` installed (`installWasmKernels()`): its `wasm` engine on one thread, like tf.layers, except layers of the larger sizes in Node (T·B·H² ≥ 2²², batch ≥ 4, hidden ≥ 32), which take its `wasm-threads` engine and run on two threads (a worker; `GATED_WASM_THREADS=off` keeps one): batches of 8 rows or more split their rows between the threads, smaller ones the units of each time step. At the headline sizes it is also timed without the accelerator, on `@gated/cells` alone (its portable `fused` engine).',
    '',
  ];
  const headline = results.entries.filter((e) => e.headline);
  if (headline.length > 0) {
    lines.push('## Verdicts at batch 32, length 50, input 32, hidden 128', '');
    for (const e of headline) lines.push(`- ${verdict(e)}`);
    lines.push('');
  }
  lines.push(
    '## Grid',
    '',
    '| layer | train ms: gated | tf.layers | PyTorch | gated vs tf.layers | infer ms: gated | tf.layers | PyTorch | onnxruntime | gated vs tf.layers | gated tokens/s (train) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const e of results.entries) {
    lines.push(
      `| ${describe(e.config)}${e.headline ? ' ★' : ''} | ${ms(e.gated.trainMs)} | ${ms(e.tfLayers.trainMs)} | ${ms(e.torch?.trainMs)} | ${ratio(e.ratios.trainVsTfLayers)} | ${ms(e.gated.inferMs)} | ${ms(e.tfLayers.inferMs)} | ${ms(e.torch?.inferMs)} | ${ms(e.onnxruntime?.inferMs)} | ${ratio(e.ratios.inferVsTfLayers)} | ${Math.round(e.gated.trainTokensPerSecond)} |`,
    );
  }
  const slower = results.entries.filter(
    (e) => e.ratios.trainVsTfLayers < 1 || e.ratios.inferVsTfLayers < 1,
  );
  lines.push(
    '',
    slower.length === 0
      ? 'gated is faster than tf.layers at every point of the grid, in training and inference.'
      : `gated is slower than tf.layers at ${slower.length} of ${results.entries.length} points: ${slower.map((e) => describe(e.config)).join(', ')}.`,
  );
  const checked = results.entries.filter((e) => e.tfLayers.maxOutputDifference !== undefined);
  if (checked.length > 0) {
    const worst = Math.max(...checked.map((e) => e.tfLayers.maxOutputDifference!));
    lines.push(
      '',
      `Same weights, same function: where tf.layers holds our weights (LSTM, RNN), the final hidden states differ by at most ${worst.toExponential(1)}.`,
    );
  }
  const { memory, decoding } = results;
  if (decoding) {
    lines.push(
      '',
      '## Decoding',
      '',
      `Greedy decoding by the G2P model (${decoding.model}), one word at a time (batch 1): median ${ms(decoding.msPerWord)} ms per word over ${decoding.words} dictionary words` +
        (decoding.opsMsPerWord !== undefined
          ? ` (${ms(decoding.opsMsPerWord)} ms with gated's wasm kernels switched off).`
          : '.'),
    );
  }
  lines.push(
    '',
    '## Memory',
    '',
    `${memory.steps} training steps of ${describe(memory.config)}: after ${memory.warmupSteps} warm-up steps, live tensors changed by ${memory.tensorGrowth} (${memory.tensorByteGrowth} bytes) and resident memory by ${memory.rssGrowthMiB.toFixed(1)} MiB by the end` +
      (memory.tensorGrowth === 0 && memory.tensorByteGrowth === 0
        ? ' — no tensor growth.'
        : ' — tensors grew: a leak.'),
    '',
    '| step | live tensors | tensor bytes | RSS MiB |',
    '| ---: | ---: | ---: | ---: |',
    ...memory.samples.map(
      (s: SoakResult['samples'][number]) =>
        `| ${s.step} | ${s.numTensors} | ${s.tensorBytes} | ${s.rssMiB.toFixed(1)} |`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

function verdict(e: SpeedEntry): string {
  const kind = e.config.kind.toUpperCase();
  const parts = [
    `${kind} training step: gated ${ms(e.gated.trainMs)} ms, tf.layers ${ms(e.tfLayers.trainMs)} ms — ${ratio(e.ratios.trainVsTfLayers)} (target ≥ 5×: ${e.ratios.trainVsTfLayers >= 5 ? 'met' : 'not met'})`,
    `inference ${ms(e.gated.inferMs)} ms vs ${ms(e.tfLayers.inferMs)} ms — ${ratio(e.ratios.inferVsTfLayers)} (target ≥ 3×: ${e.ratios.inferVsTfLayers >= 3 ? 'met' : 'not met'})`,
  ];
  if (e.torch && e.ratios.trainVsTorch !== undefined) {
    const over = e.gated.trainMs / e.torch.trainMs;
    parts.push(
      `PyTorch ${ms(e.torch.trainMs)} ms per training step (gated ${over.toFixed(2)}× its time, target ≤ 1.0×: ${over <= 1 ? 'met' : 'not met'}), ${ms(e.torch.inferMs)} ms inference`,
    );
  }
  if (e.onnxruntime) {
    const over = e.gated.inferMs / e.onnxruntime.inferMs;
    parts.push(
      `onnxruntime-node ${ms(e.onnxruntime.inferMs)} ms inference (gated ${over.toFixed(2)}× its time, target ≤ 2.5×: ${over <= 2.5 ? 'met' : 'not met'})`,
    );
  }
  if (e.portable)
    parts.push(
      `without @gated/wasm (the portable fused engine) ${ms(e.portable.trainMs)} ms per training step and ${ms(e.portable.inferMs)} ms inference: the accelerator is ${ratio(e.portable.trainMs / e.gated.trainMs)} and ${ratio(e.portable.inferMs / e.gated.inferMs)} faster`,
    );
  if (e.brainjs && e.ratios.trainVsBrainjs !== undefined)
    parts.push(
      `brain.js ${ms(e.brainjs.trainMs)} ms per training pass over the batch (gated ${ratio(e.ratios.trainVsBrainjs)} faster), ${ms(e.brainjs.inferMs)} ms inference (${ratio(e.ratios.inferVsBrainjs)})`,
    );
  return `${parts.join('; ')}.`;
}

/** Figures: time against length and against batch, for the LSTM at the larger hidden size. */
export function speedFigures(results: SpeedResults): Record<string, TopLevelSpec> {
  const figures: Record<string, TopLevelSpec> = {};
  const grid = results.entries.filter((e) => !e.headline);
  const hidden = Math.max(...grid.map((e) => e.config.hidden));
  for (const phase of ['train', 'infer'] as const) {
    const key = phase === 'train' ? 'trainMs' : 'inferMs';
    const batch = Math.max(...grid.map((e) => e.config.batch));
    const byLength = grid
      .filter(
        (e) => e.config.kind === 'lstm' && e.config.hidden === hidden && e.config.batch === batch,
      )
      .sort((a, b) => a.config.length - b.config.length);
    const series = [
      { name: 'gated', pick: (e: SpeedEntry) => e.gated[key] },
      { name: 'tf.layers', pick: (e: SpeedEntry) => e.tfLayers[key] },
      ...(byLength.every((e) => e.torch)
        ? [{ name: 'PyTorch', pick: (e: SpeedEntry) => e.torch![key] }]
        : []),
    ];
    if (byLength.length > 1) {
      figures[`speed-${phase}-vs-length.svg`] = lineChart({
        title: `LSTM ${phase === 'train' ? 'training step' : 'inference'}, batch ${batch}, hidden ${hidden}`,
        series: series.map((s) => ({
          name: s.name,
          x: byLength.map((e) => e.config.length),
          y: byLength.map(s.pick),
        })),
        xTitle: 'sequence length',
        yTitle: 'ms',
        logY: true,
      });
    }
  }
  const headline = results.entries.filter((e) => e.headline);
  if (headline.length > 0) {
    figures['speed-headline.svg'] = barChart({
      title: 'Training step at batch 32, length 50, input 32, hidden 128',
      yTitle: 'ms (lower is better)',
      bars: headline.flatMap((e) => [
        { label: e.config.kind.toUpperCase(), value: e.gated.trainMs, group: 'gated' },
        { label: e.config.kind.toUpperCase(), value: e.tfLayers.trainMs, group: 'tf.layers' },
        ...(e.torch
          ? [{ label: e.config.kind.toUpperCase(), value: e.torch.trainMs, group: 'PyTorch' }]
          : []),
      ]),
    });
  }
  return figures;
}
