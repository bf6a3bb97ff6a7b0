import type { BackendPreference, JobEvent, JobSpec, Reply, Request, Results } from './protocol';

type Pending = {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onEvent?: (event: JobEvent) => void;
};

/** Distributes `Omit` over a union, so each request kind keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * The page's handle on the worker: typed requests that resolve with the worker's answer, and
 * training jobs that stream events and can be stopped.
 */
export class Engine {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (message: MessageEvent<Reply>) => {
      const reply = message.data;
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      if ('event' in reply) {
        pending.onEvent?.(reply.event);
        return;
      }
      this.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new Error(reply.error));
    });
    this.worker.addEventListener('error', (event) => {
      const error = new Error(`The model worker failed: ${event.message}`);
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    });
  }

  request<K extends keyof Results>(
    body: Extract<WithoutId<Request>, { kind: K }>,
    onEvent?: (event: JobEvent) => void,
  ): { id: number; result: Promise<Results[K]> } {
    const id = this.nextId++;
    const result = new Promise<Results[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onEvent });
    });
    this.worker.postMessage({ ...body, id });
    return { id, result };
  }

  init(backend: BackendPreference) {
    return this.request({ kind: 'init', backend }).result;
  }

  /** Starts a training job; `stop()` ends it after the current step. */
  train(job: JobSpec, onEvent: (event: JobEvent) => void) {
    const { id, result } = this.request({ kind: 'train', job }, onEvent);
    return { result, stop: () => this.request({ kind: 'stop', job: id }).result };
  }
}
