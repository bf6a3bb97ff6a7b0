import type { BrowserConfig } from './protocol';
import type { BrowserEntry, SpeedBrowserResults } from './run-speed-browser';

const ms = (v: number | undefined) =>
  v === undefined ? '—' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
const times = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(2)}×`);

/** "a–b" over the page loads (one value when they agree to the shown digits). */
function range(values: Array<number | undefined>, show: (v: number | undefined) => string): string {
  const known = values.filter((v): v is number => v !== undefined);
  if (known.length === 0) return '—';
  const low = show(Math.min(...known));
  const high = show(Math.max(...known));
  return low === high ? low : `${low}–${high}`;
}

const describe = (c: BrowserConfig) =>
  `${c.kind.toUpperCase()} B${c.batch} T${c.length} I${c.input} H${c.hidden}`;

/** `results/speed-browser.md`: where it ran, the threads, then each subject and every ratio. */
export function speedBrowserMarkdown(r: SpeedBrowserResults): string {
  const { machine, browser, threads, protocol } = r;
  const ort = r.peers['onnxruntime-web'];
  const over =
    (pick: (l: BrowserEntry['loads'][number]) => number | undefined) => (e: BrowserEntry) =>
      e.loads.map(pick);
  const lines = [
    `# Speed in the browser${r.quick ? ' (quick run: short sequences, few runs — not for comparison)' : ''}`,
    '',
    `Measured ${machine.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB) in ${browser.name} ${browser.version} (hardwareConcurrency ${browser.hardwareConcurrency}, ${browser.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated'}), driven by playwright-core over a page built from the packages (esbuild) and served on loopback with COOP/COEP. Each timing: median of ${protocol.reps} runs or more after ${protocol.warmup} warm-up runs or more, each phase at least ${protocol.minMs} ms; all subjects of a page load timed one after the other in that load, inference ${protocol.rounds} times per subject with gated and onnxruntime-web taking turns (the median of the turns). ${protocol.pageLoads} page load${protocol.pageLoads > 1 ? 's' : ''}; each cell gives the range over the loads.`,
    '',
    `Threads: tfjs-backend-wasm ${threads.tfjs} (its threaded SIMD build when isolated); gated's kernels ${threads.gatedKernels}${threads.gatedNote ? ` (${threads.gatedNote})` : ''}, ${threads.gatedFusedMultiplyAdd ? 'relaxed-SIMD build (fused multiply-add)' : 'plain SIMD build'}, engines ${threads.engines.join(' → ')}; onnxruntime-web ${threads.onnxruntimeWeb.length > 0 ? threads.onnxruntimeWeb.join(' and ') : '—'}. The models run in Web Workers (as the demo's do); the accelerator was also checked on the page's main thread: ${r.mainThread.kernelThreads} kernel thread${r.mainThread.kernelThreads > 1 ? 's' : ''}, engine ${r.mainThread.engine}, max |difference| from one thread ${r.mainThread.maxDifference.toExponential(1)}; greedy decoding of ${r.mainThread.decoding.sources} sources in one call (rows split between the threads) gave ${r.mainThread.decoding.sameTokens ? "one thread's tokens" : 'OTHER tokens than one thread'}, scores within ${r.mainThread.decoding.maxScoreDifference.toExponential(1)}; in the gated worker (where the demo decodes) the same check on ${r.workerDecoding.map((d) => d.kernelThreads).join('/')} kernel threads gave one thread's tokens in ${r.workerDecoding.filter((d) => d.sameTokens).length} of ${r.workerDecoding.length} page loads, scores within ${Math.max(...r.workerDecoding.map((d) => d.maxScoreDifference)).toExponential(1)}.`,
    '',
    `Peers: tf.layers — ${r.peers['tf.layers'].note}; onnxruntime-web ${ort.measured ? `${ort.version} (PyTorch ${ort.torch} export) — ${ort.note}` : `— not measured: ${ort.note}`}.`,
    '',
    '## Milliseconds',
    '',
    '| layer | gated infer | tf.layers infer | ort-web 1 thread | ort-web 2 threads | gated train | tf.layers train | engine (infer / train) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const e of r.entries) {
    const engines = [
      ...new Set(e.loads.map((l) => `${l.gatedEngines.infer} / ${l.gatedEngines.train}`)),
    ];
    lines.push(
      `| ${describe(e.config)} | ${range(over((l) => l.gatedInferMs)(e), ms)} | ${range(over((l) => l.tfLayersInferMs)(e), ms)} | ${range(over((l) => l.ortInferMs['1'])(e), ms)} | ${range(over((l) => l.ortInferMs['2'])(e), ms)} | ${range(over((l) => l.gatedTrainMs)(e), ms)} | ${range(over((l) => l.tfLayersTrainMs)(e), ms)} | ${engines.join(', ')} |`,
    );
  }
  lines.push(
    '',
    '## Ratios',
    '',
    'Inference: gated’s time over onnxruntime-web’s (below 1×: gated is faster). Training and inference against tf.layers: tf.layers’ time over gated’s (above 1×: gated is faster).',
    '',
    '| layer | infer vs ort-web 1 thread | vs 2 threads | vs the faster (per load) | infer: tf.layers / gated | train: tf.layers / gated |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const e of r.entries) {
    lines.push(
      `| ${describe(e.config)} | ${range(over((l) => l.ratios.inferVsOrt?.['1'])(e), times)} | ${range(over((l) => l.ratios.inferVsOrt?.['2'])(e), times)} | ${range(over((l) => l.ratios.inferVsOrtBest)(e), times)} | ${range(over((l) => l.ratios.inferVsTfLayers)(e), times)} | ${range(over((l) => l.ratios.trainVsTfLayers)(e), times)} |`,
    );
  }
  const verdicts = r.entries.flatMap((e) => {
    const n = e.loads.length;
    const vsOrt = e.loads.filter((l) => l.ratios.inferVsOrtBest !== undefined);
    const faster = vsOrt.filter((l) => l.ratios.inferVsOrtBest! <= 1).length;
    const train15 = e.loads.filter((l) => l.ratios.trainVsTfLayers >= 15).length;
    return [
      `- ${describe(e.config)}: ${vsOrt.length > 0 ? `inference as fast as onnxruntime-web's faster thread count or faster in ${faster} of ${vsOrt.length} loads; ` : ''}training ≥ 15× faster than tf.layers in ${train15} of ${n}.`,
    ];
  });
  lines.push('', '## Verdicts', '', ...verdicts);
  const s = r.soak;
  lines.push(
    '',
    '## Memory',
    '',
    `${s.steps} training steps in the page (LSTM and GRU alternating, B16 T32 I32 H128, after 20 of warm-up): tensors ${s.tensorGrowth >= 0 ? '+' : ''}${s.tensorGrowth}, tensor bytes ${s.byteGrowth >= 0 ? '+' : ''}${s.byteGrowth}, backend heap ${s.heapGrowth >= 0 ? '+' : ''}${s.heapGrowth} bytes.`,
    '',
  );
  return lines.join('\n');
}
