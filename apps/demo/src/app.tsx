import { useEffect, useMemo, useState } from 'preact/hooks';
import { Engine } from './engine/client';
import type { BackendInfo, BackendPreference } from './engine/protocol';
import { AttentionSection } from './sections/attention-section';
import { BottleneckSection } from './sections/bottleneck-section';
import { CompareSection } from './sections/compare-section';
import { LstmSection } from './sections/lstm-section';

const PREFERENCES: BackendPreference[] = ['auto', 'wasm', 'webgl', 'cpu'];

/** `?backend=wasm|webgl|cpu` picks the worker's TensorFlow.js backend; default `auto`. */
function backendPreference(): BackendPreference {
  const asked = new URLSearchParams(location.search).get('backend');
  return PREFERENCES.find((p) => p === asked) ?? 'auto';
}

export function App() {
  const engine = useMemo(() => new Engine(), []);
  const preference = backendPreference();
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    engine.init(preference).then(setBackend, (e: Error) => setError(e.message));
  }, [engine, preference]);

  return (
    <>
      <header>
        <h1>gated — recurrent networks you can poke</h1>
        <nav aria-label="Sections">
          <a href="#lstm">LSTM</a>
          <a href="#compare">GRU vs LSTM</a>
          <a href="#bottleneck">Bottleneck</a>
          <a href="#attention">Attention</a>
        </nav>
        <form class="backend" method="get">
          <label for="backend">Backend</label>
          <select
            id="backend"
            name="backend"
            value={preference}
            onChange={(e) => e.currentTarget.form?.submit()}
          >
            {PREFERENCES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <span data-testid="backend" aria-live="polite">
            {backend
              ? `${backend.name}${backend.name === 'wasm' ? `, ${backend.threads} thread${backend.threads > 1 ? 's' : ''}` : ''}${backend.sequenceKernels ? `, sequence kernels on ${backend.kernelThreads} thread${backend.kernelThreads > 1 ? 's' : ''}` : ''} (${backend.reason})${backend.crossOriginIsolated ? ', cross-origin isolated' : ''}`
              : error || 'starting…'}
          </span>
        </form>
      </header>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {backend && (
        <main>
          <LstmSection engine={engine} />
          <CompareSection engine={engine} />
          <BottleneckSection engine={engine} />
          <AttentionSection engine={engine} />
        </main>
      )}
      <footer>
        Models and training run in a Web Worker with TensorFlow.js and the <code>@gated/*</code>{' '}
        packages. Pretrained models come from <code>pnpm bench train-demo-models</code>.
      </footer>
    </>
  );
}
