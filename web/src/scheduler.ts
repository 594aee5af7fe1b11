/**
 * Render scheduler: every action is reduced into state at once, but the DOM is
 * committed at most once per animation frame. Actions that end something the
 * user waits for (see `isUrgent`) commit synchronously.
 */

export interface FrameClock {
  requestFrame(callback: () => void): number;
  cancelFrame(handle: number): void;
  /** Timestamp recorded as `lastRenderAt`. */
  now(): number;
}

export interface SchedulerOptions<State, Action> {
  initialState: State;
  reduce(state: State, action: Action): State;
  /** Commits `state` to the DOM; only called when the state changed since the last commit. */
  render(state: State): void;
  isUrgent(action: Action): boolean;
  clock: FrameClock;
}

export interface RenderScheduler<State, Action> {
  dispatch(action: Action): void;
  /** Commits pending changes now. */
  flush(): void;
  getState(): State;
  stats(): { renders: number; lastRenderAt: number | undefined };
}

export function createRenderScheduler<State, Action>(
  options: SchedulerOptions<State, Action>,
): RenderScheduler<State, Action> {
  const { reduce, render, isUrgent, clock } = options;
  let state = options.initialState;
  let renderedState: State | undefined;
  let frameHandle: number | undefined;
  let renders = 0;
  let lastRenderAt: number | undefined;

  function flush(): void {
    if (frameHandle !== undefined) {
      clock.cancelFrame(frameHandle);
      frameHandle = undefined;
    }
    if (state === renderedState) return;
    renderedState = state;
    render(state);
    renders++;
    lastRenderAt = clock.now();
  }

  return {
    dispatch(action) {
      state = reduce(state, action);
      if (isUrgent(action)) {
        flush();
      } else if (frameHandle === undefined && state !== renderedState) {
        frameHandle = clock.requestFrame(() => {
          frameHandle = undefined;
          flush();
        });
      }
    },
    flush,
    getState: () => state,
    stats: () => ({ renders, lastRenderAt }),
  };
}

/** Chat actions that commit at once: a run ending, an error, or anything the user just did. */
export function isUrgentChatAction(action: { type: string }): boolean {
  return action.type === 'agent_completed' || action.type === 'error' || action.type.startsWith('local/');
}
