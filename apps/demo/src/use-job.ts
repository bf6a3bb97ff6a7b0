import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Engine } from './engine/client';
import type { JobEvent, JobResult, JobSpec } from './engine/protocol';

export type JobStatus =
  | { state: 'idle' }
  | { state: 'running'; step: number; total: number }
  | { state: 'done'; result: JobResult }
  | { state: 'failed'; error: string };

/**
 * Runs one training job at a time in the worker: `start` (events go to `onEvent`), `stop`, and
 * a status for the progress line. A job still running when the component unmounts is stopped.
 */
export function useJob(engine: Engine, onEvent: (event: JobEvent) => void) {
  const [status, setStatus] = useState<JobStatus>({ state: 'idle' });
  const stopRef = useRef<(() => Promise<unknown>) | null>(null);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  const start = useCallback(
    (job: JobSpec) => {
      if (stopRef.current) return;
      setStatus({ state: 'running', step: 0, total: job.steps });
      const { result, stop } = engine.train(job, (event) => {
        if ('step' in event) setStatus({ state: 'running', step: event.step, total: job.steps });
        onEventRef.current(event);
      });
      stopRef.current = stop;
      result
        .then(
          (value) => setStatus({ state: 'done', result: value }),
          (error: Error) => setStatus({ state: 'failed', error: error.message }),
        )
        .finally(() => {
          stopRef.current = null;
        });
    },
    [engine],
  );

  const stop = useCallback(() => {
    void stopRef.current?.();
  }, []);

  useEffect(() => () => void stopRef.current?.(), []);

  return { status, start, stop, running: status.state === 'running' };
}

/** The progress line of a job, for a live region. */
export function describeStatus(status: JobStatus): string {
  switch (status.state) {
    case 'idle':
      return 'Not started.';
    case 'running':
      return `Training… step ${status.step} of ${status.total}.`;
    case 'done':
      return status.result.reason === 'finished'
        ? `Finished ${status.result.steps} steps.`
        : `Stopped after ${status.result.steps} steps.`;
    case 'failed':
      return `Failed: ${status.error}`;
  }
}
