/**
 * A worker's side of the page's request/answer protocol: each message `{ id, type, ...args }` is
 * answered by `{ id, value }` or `{ id, error }`, one at a time, in order.
 */
export function answerMessages(
  handlers: Record<string, (args: never) => unknown | Promise<unknown>>,
): void {
  let queue = Promise.resolve();
  self.onmessage = (event: MessageEvent<{ id: number; type: string }>) => {
    const { id, type, ...args } = event.data;
    queue = queue.then(async () => {
      try {
        const handler = handlers[type];
        if (!handler) throw new Error(`worker: no handler for '${type}'`);
        self.postMessage({ id, value: await handler(args as never) });
      } catch (error) {
        self.postMessage({ id, error: String((error as Error)?.stack ?? error) });
      }
    });
  };
}

/** The page's side: a worker whose requests return promises of their answers. */
export function workerClient(url: string): {
  ask<T>(type: string, args?: object): Promise<T>;
  terminate(): void;
} {
  const worker = new Worker(url, { type: 'module' });
  let next = 0;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  worker.onmessage = (event: MessageEvent<{ id: number; value?: unknown; error?: string }>) => {
    const entry = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    if (event.data.error !== undefined) entry?.reject(new Error(event.data.error));
    else entry?.resolve(event.data.value);
  };
  worker.onerror = (event) => {
    for (const entry of waiting.values())
      entry.reject(new Error(`worker ${url}: ${event.message}`));
    waiting.clear();
  };
  return {
    ask<T>(type: string, args: object = {}) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, type, ...args });
      });
    },
    terminate: () => worker.terminate(),
  };
}
