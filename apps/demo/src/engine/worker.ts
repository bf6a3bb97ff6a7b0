/// <reference lib="webworker" />
/**
 * The demo's TensorFlow.js worker: every model lives here, so training never blocks the page.
 * Requests arrive as `Request`s; answers and training progress leave as `Reply`s.
 */
// `no-inline`: the model stays two files beside the page's assets, as it is in the package,
// rather than its 2 KB config becoming a data URL inside the worker's JavaScript.
import g2pConfigUrl from '@gated/g2p/model/config.json?url&no-inline';
import g2pWeightsUrl from '@gated/g2p/model/weights.safetensors?url&no-inline';
import { TextModel } from '@gated/models';
import { initBackend } from './backend';
import { beltJob } from './belt';
import { compareAnswers, explainText } from './explain';
import { countParameters, gradientNorms } from './gradient-norms';
import { bottleneckJob, compareJob, datesJob } from './jobs';
import { fetchModelFiles, folderFileUrls, type ModelFileUrls } from './model-files';
import type { BackendInfo, Reply, Request, TranslatorName } from './protocol';
import { RecallGates } from './recall-gates';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const modelsUrl = new URL(`${import.meta.env.BASE_URL}models/`, scope.location.origin);

let backend: Promise<BackendInfo> | undefined;
const translators = new Map<TranslatorName, Promise<TextModel>>();
let recall: Promise<RecallGates> | undefined;
const running = new Map<number, AbortController>();

/**
 * Where a shipped model's two files are: `public/models/<name>/`, except G2P, whose model is the
 * one `@gated/g2p` ships (its `model/` folder, stress digits and all: `Z IY1 B R AH0`), bundled
 * by Vite from the package's exports. `VITE_G2P_MODEL_URL` at build time names another G2P folder
 * (relative to the page, e.g. `models/g2p-torch/`): a checkpoint trained elsewhere, such as by
 * the PyTorch twin (python/README.md).
 */
function modelFileUrls(name: TranslatorName): ModelFileUrls {
  if (name !== 'g2p') return folderFileUrls(new URL(`${name}/`, modelsUrl).href);
  const g2p: string | undefined = import.meta.env.VITE_G2P_MODEL_URL;
  if (!g2p) return { 'config.json': g2pConfigUrl, 'weights.safetensors': g2pWeightsUrl };
  const page = new URL(import.meta.env.BASE_URL, scope.location.origin);
  return folderFileUrls(new URL(g2p.endsWith('/') ? g2p : `${g2p}/`, page).href);
}

function translator(name: TranslatorName): Promise<TextModel> {
  const known = translators.get(name);
  if (known) return known;
  if (name === 'yours')
    return Promise.reject(new Error('Train your own model first (the button below the chart)'));
  const loading = fetchModelFiles(modelFileUrls(name)).then((files) => TextModel.fromFiles(files));
  translators.set(name, loading);
  loading.catch(() => translators.delete(name));
  return loading;
}

function post(reply: Reply): void {
  scope.postMessage(reply);
}

async function handle(request: Request): Promise<unknown> {
  if (request.kind === 'init') {
    backend ??= initBackend(request.backend);
    return backend;
  }
  if (!backend) throw new Error(`'${request.kind}' before 'init'`);
  await backend;
  switch (request.kind) {
    case 'translate':
      return (await translator(request.model)).translate(request.text);
    case 'explain':
      return explainText(await translator(request.model), request);
    case 'compare-attention': {
      const [withAttention, without] = await Promise.all([
        translator('dates'),
        translator('dates-plain'),
      ]);
      return compareAnswers(withAttention, without, request.text);
    }
    case 'gates':
      recall ??= RecallGates.fetch(new URL('recall/', modelsUrl).href);
      return (await recall).view(request.text);
    case 'gradient-norms':
      if (!Number.isInteger(request.length) || request.length < 2 || request.length > 200)
        throw new Error(`length must be an integer from 2 to 200, got ${request.length}`);
      return gradientNorms(request.length);
    case 'count-parameters':
      return countParameters(request.inputSize, request.hiddenSize);
    case 'stop': {
      const job = running.get(request.job);
      job?.abort();
      return job !== undefined;
    }
    case 'train': {
      const controller = new AbortController();
      running.set(request.id, controller);
      const emit = (event: Parameters<Parameters<typeof compareJob>[1]>[0]) =>
        post({ id: request.id, event });
      try {
        const { job } = request;
        if (job.kind === 'compare') return await compareJob(job, emit, controller.signal);
        if (job.kind === 'bottleneck') return await bottleneckJob(job, emit, controller.signal);
        if (job.kind === 'belt') return await beltJob(job, emit, controller.signal);
        return await datesJob(job, emit, controller.signal, (model) => {
          const previous = translators.get('yours');
          translators.set('yours', Promise.resolve(model));
          previous?.then((old) => old.dispose());
        });
      } finally {
        running.delete(request.id);
      }
    }
  }
}

scope.addEventListener('message', (message: MessageEvent<Request>) => {
  const request = message.data;
  handle(request).then(
    (value) => post({ id: request.id, ok: true, value }),
    (error: unknown) =>
      post({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});
