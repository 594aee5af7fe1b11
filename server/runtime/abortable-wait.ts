/**
 * The one way the server waits on something a run can cancel: a number of
 * milliseconds, or a promise (a tool, an agent, an event still to come), cut
 * short when a signal aborts.
 */

/**
 * Settles as `until` does, or after `until` ms (a negative one counts as 0),
 * unless `signal` aborts first: then it rejects with the signal's reason, at once
 * if it has already aborted. Whichever way it ends, it clears its timer and
 * removes its abort listener, so a long-lived signal gathers nothing.
 *
 * A promise is always observed, even when the abort wins, so work left running
 * after a cancel cannot turn its late failure into an unhandled rejection.
 *
 * The timer is the global `setTimeout`, not `node:timers/promises`: vitest's fake
 * timers replace only the global, and unit tests run on fake time. It keeps the
 * process alive (not unref'd), as a pending wait should.
 */
export function abortableWait(until: number, signal: AbortSignal): Promise<void>;
export function abortableWait<T>(until: PromiseLike<T>, signal: AbortSignal): Promise<T>;
export function abortableWait<T>(until: number | PromiseLike<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      release();
      reject(signal.reason);
    };
    if (typeof until !== 'number') {
      until.then(
        (value) => {
          release();
          resolve(value);
        },
        (error: unknown) => {
          release();
          reject(error);
        },
      );
    }
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    if (typeof until === 'number') {
      timer = setTimeout(
        () => {
          release();
          resolve(undefined);
        },
        Math.max(0, until),
      );
    }
  });
}
