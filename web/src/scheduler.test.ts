import { describe, expect, it } from 'vitest';
import { createRenderScheduler, type FrameClock, isUrgentChatAction } from './scheduler';

/** A requestAnimationFrame stand-in that runs queued callbacks when the test says so. */
function fakeClock() {
  const callbacks = new Map<number, () => void>();
  let nextHandle = 1;
  let time = 0;
  const clock: FrameClock = {
    requestFrame(callback) {
      callbacks.set(nextHandle, callback);
      return nextHandle++;
    },
    cancelFrame: (handle) => callbacks.delete(handle),
    now: () => time,
  };
  return {
    clock,
    pendingFrames: () => callbacks.size,
    runFrame(advanceMs = 16) {
      time += advanceMs;
      const queued = [...callbacks.values()];
      callbacks.clear();
      for (const callback of queued) callback();
    },
  };
}

type Action = { type: 'add'; amount: number } | { type: 'done' } | { type: 'noop' };

function setup() {
  const frames = fakeClock();
  const rendered: number[] = [];
  const scheduler = createRenderScheduler<number, Action>({
    initialState: 0,
    reduce: (state, action) => (action.type === 'add' ? state + action.amount : state),
    render: (state) => rendered.push(state),
    isUrgent: (action) => action.type === 'done',
    clock: frames.clock,
  });
  return { frames, rendered, scheduler };
}

describe('createRenderScheduler', () => {
  it('reduces every action at once but renders once per frame', () => {
    const { frames, rendered, scheduler } = setup();
    for (let index = 0; index < 5000; index++) scheduler.dispatch({ type: 'add', amount: 1 });
    expect(scheduler.getState()).toBe(5000);
    expect(rendered).toEqual([]);
    expect(frames.pendingFrames()).toBe(1);

    frames.runFrame();
    expect(rendered).toEqual([5000]);
    expect(scheduler.stats()).toEqual({ renders: 1, lastRenderAt: 16 });
  });

  it('flushes urgent actions synchronously and drops the pending frame', () => {
    const { frames, rendered, scheduler } = setup();
    scheduler.dispatch({ type: 'add', amount: 2 });
    scheduler.dispatch({ type: 'done' });
    expect(rendered).toEqual([2]);
    expect(frames.pendingFrames()).toBe(0);
    frames.runFrame();
    expect(rendered).toEqual([2]);
  });

  it('does not render or schedule when the state did not change', () => {
    const { frames, rendered, scheduler } = setup();
    scheduler.flush();
    scheduler.dispatch({ type: 'noop' });
    expect(frames.pendingFrames()).toBe(0);
    scheduler.dispatch({ type: 'add', amount: 1 });
    scheduler.dispatch({ type: 'done' });
    scheduler.dispatch({ type: 'done' });
    expect(rendered).toEqual([0, 1]);
    expect(scheduler.stats().renders).toBe(2);
  });

  it('renders later bursts in later frames', () => {
    const { frames, rendered, scheduler } = setup();
    scheduler.dispatch({ type: 'add', amount: 1 });
    frames.runFrame();
    scheduler.dispatch({ type: 'add', amount: 1 });
    scheduler.dispatch({ type: 'add', amount: 1 });
    frames.runFrame();
    frames.runFrame();
    expect(rendered).toEqual([1, 3]);
  });
});

describe('isUrgentChatAction', () => {
  it('flushes run ends, errors and local actions, and batches the rest', () => {
    expect(isUrgentChatAction({ type: 'agent_completed' })).toBe(true);
    expect(isUrgentChatAction({ type: 'error' })).toBe(true);
    expect(isUrgentChatAction({ type: 'local/send' })).toBe(true);
    expect(isUrgentChatAction({ type: 'local/connection' })).toBe(true);
    for (const type of ['agent_started', 'agent_thinking', 'tool_executing', 'tool_progress', 'tool_completed']) {
      expect(isUrgentChatAction({ type })).toBe(false);
    }
    expect(isUrgentChatAction({ type: 'partial_result' })).toBe(false);
    expect(isUrgentChatAction({ type: 'message_accepted' })).toBe(false);
  });
});
