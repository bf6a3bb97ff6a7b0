/**
 * A G2P checkpoint written by the PyTorch twin (`python/train_g2p.py`) is served by
 * `pnpm bench predict` and loads the way the demo loads it (config.json and weights.safetensors
 * only), with outputs identical to the twin's own decoding (`python/predict.py`) on 100 words,
 * greedy and beam. Needs torch (`python3-torch`); skipped with a warning without it, an error
 * with GATED_TORCH=required.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cmudictG2P } from '@gated/datasets';
import { TextModel } from '@gated/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend';
import { g2pTsv } from './export-g2p';

const root = resolve(import.meta.dirname, '..', '..', '..', '..');
const env = { ...process.env, OMP_NUM_THREADS: '1' };

function torchPython(): string | undefined {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return '/usr/bin/python3';
  } catch {
    const message =
      "python3 -c 'import torch' failed: install python3-torch to serve a twin checkpoint";
    if (process.env.GATED_TORCH === 'required') throw new Error(message);
    console.warn(`${message}; skipped here (GATED_TORCH=required makes this an error)`);
    return undefined;
  }
}

/** `@gated/<name>` → `packages/<name>/src` for the bench's child process, as vitest maps them. */
function sourcesTsconfig(scratch: string): string {
  const paths: Record<string, string[]> = {};
  for (const name of readdirSync(join(root, 'packages'))) {
    paths[`@gated/${name}`] = [join(root, 'packages', name, 'src', 'index.ts')];
    paths[`@gated/${name}/*`] = [join(root, 'packages', name, 'src', '*.ts')];
  }
  const path = join(scratch, 'tsconfig.json');
  writeFileSync(
    path,
    JSON.stringify({ extends: join(root, 'tsconfig.base.json'), compilerOptions: { paths } }),
  );
  return path;
}

const python = torchPython();

describe.runIf(python)('a checkpoint trained by the PyTorch twin, served by gated', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gated-twin-served-'));
  const model = join(scratch, 'run', 'model');
  let input = '';

  beforeAll(async () => {
    const { dictionary } = await import('cmu-pronouncing-dictionary');
    const split = cmudictG2P(dictionary);
    // 600 training pairs, a small model, 120 steps: varied, imperfect outputs in seconds.
    const data = join(scratch, 'g2p.tsv');
    writeFileSync(data, g2pTsv({ train: split.train.slice(0, 600), dev: [], test: [] }));
    execFileSync(
      python!,
      [join(root, 'python', 'train_g2p.py'), '--data', data, '--out', join(scratch, 'run')]
        .concat(['--steps', '120', '--batch-size', '16', '--lr', '0.01'])
        .concat(['--embedding-size', '16', '--hidden-size', '32']),
      { env, stdio: 'ignore', timeout: 240_000 },
    );
    input = `${split.test
      .slice(0, 100)
      .map((e) => e.word)
      .join('\n')}\n`;
    await useBackend('wasm');
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const twin = (beam: number) =>
    execFileSync(
      python!,
      [join(root, 'python', 'predict.py'), '--model', model, '--beam', `${beam}`],
      {
        input,
        env,
        encoding: 'utf8',
      },
    );

  it.each([1, 3])('pnpm bench predict --beam %i answers the 100 words as the twin does', (beam) => {
    const bench = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'apps/bench/src/cli.ts',
        'predict',
        '--model',
        model,
        '--beam',
        `${beam}`,
      ],
      {
        cwd: root,
        input,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...env, TSX_TSCONFIG_PATH: sourcesTsconfig(scratch) },
      },
    );
    expect(bench.stderr).toContain('predicted 100 lines, skipped 0');
    const expected = twin(beam);
    expect(expected.split('\n')).toHaveLength(101);
    expect(bench.stdout).toBe(expected);
  });

  it("loads from the two files the demo fetches and decodes the twin's greedy outputs", () => {
    const files = {
      'config.json': new Uint8Array(readFileSync(join(model, 'config.json'))),
      'weights.safetensors': new Uint8Array(readFileSync(join(model, 'weights.safetensors'))),
    };
    const served = TextModel.fromFiles(files);
    const words = input.trimEnd().split('\n');
    const rows = served
      .decode(words)
      .map((h, i) => `${words[i]}\t${served.detokenize(served.targetVocab.decode(h.tokens))}`);
    expect(`${rows.join('\n')}\n`).toBe(twin(1));
    expect(new Set(rows.map((row) => row.split('\t')[1])).size).toBeGreaterThan(10); // not one answer for all
    served.dispose();
  });
});
