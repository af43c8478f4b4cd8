import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../renderer/api/types';
import {
  actionMessage,
  actionReducer,
  createActionRunner,
  type ActionEvent,
  type ActionState,
} from '../../renderer/components/action-state';
import { en, type MessageKey } from '../../renderer/i18n/messages.en';
import { es } from '../../renderer/i18n/messages.es';

/** The busy/error state behind useAction (renderer/components/action-state.ts). */
const idle: ActionState = { busy: false, error: null };
const wrong: ApiError = { code: 'invalid_credentials', message: 'Wrong username or password.' };
const gone: ApiError = { code: 'session_ended', message: 'Your session has ended.' };

/** A runner over a real reducer, recording what it dispatched. */
function harness(handled?: (e: ApiError) => boolean) {
  let state = idle;
  const events: ActionEvent['type'][] = [];
  let mounted = true;
  const run = createActionRunner(
    (event) => {
      events.push(event.type);
      state = actionReducer(state, event);
    },
    { isMounted: () => mounted, handled },
  );
  return {
    run,
    events,
    state: () => state,
    unmount: () => {
      mounted = false;
    },
  };
}

describe('action state', () => {
  it('a start is busy and drops the last error; a settle shows its error, if any', () => {
    const failed = actionReducer(idle, { type: 'fail', error: wrong });
    expect(failed).toEqual({ busy: false, error: wrong });
    const started = actionReducer(failed, { type: 'start' });
    expect(started).toEqual({ busy: true, error: null });
    expect(actionReducer(started, { type: 'settle', error: gone })).toEqual({
      busy: false,
      error: gone,
    });
    expect(actionReducer(started, { type: 'settle', error: null })).toEqual(idle);
  });

  it('a form check shows its error without ending a call in flight; clear keeps busy', () => {
    const busy: ActionState = { busy: true, error: null };
    expect(actionReducer(busy, { type: 'fail', error: wrong })).toEqual({
      busy: true,
      error: wrong,
    });
    expect(actionReducer({ busy: true, error: wrong }, { type: 'clear' })).toEqual(busy);
    // Nothing to clear: the same state, so React skips the render.
    expect(actionReducer(idle, { type: 'clear' })).toBe(idle);
  });

  it('is busy while the work runs, then shows the error it resolved to', async () => {
    const h = harness();
    let release!: (e: ApiError | null) => void;
    const done = h.run(() => new Promise((resolve) => (release = resolve)));
    expect(h.state()).toEqual({ busy: true, error: null });
    release(wrong);
    await done;
    expect(h.state()).toEqual({ busy: false, error: wrong });
    await h.run(async () => undefined);
    expect(h.state()).toEqual(idle);
    expect(h.events).toEqual(['start', 'settle', 'start', 'settle']);
  });

  it('drops the outcome once the component is gone, but the work still does its part', async () => {
    const h = harness();
    let release!: (e: ApiError | null) => void;
    let after = false;
    const done = h.run(async () => {
      const error = await new Promise<ApiError | null>((resolve) => (release = resolve));
      after = true;
      return error;
    });
    h.unmount();
    release(wrong);
    await done;
    expect(after).toBe(true);
    expect(h.events).toEqual(['start']);
  });

  it('does not show an error the screen handles, and handles it even after unmount', async () => {
    const seen: string[] = [];
    const h = harness((e) => {
      seen.push(e.code);
      return e.code === 'session_ended';
    });
    await h.run(async () => gone);
    expect(h.state()).toEqual(idle);
    await h.run(async () => wrong);
    expect(h.state().error).toBe(wrong);
    h.unmount();
    await h.run(async () => gone);
    expect(seen).toEqual(['session_ended', 'invalid_credentials', 'session_ended']);
  });

  it('is no longer busy when the work throws, and passes the throw on', async () => {
    const h = harness();
    await expect(
      h.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(h.state()).toEqual(idle);
  });

  it('words the error through the error-text path: the core words in English, by code else', () => {
    const translate = (key: MessageKey) => es[key];
    expect(actionMessage((key) => en[key], 'en', { busy: false, error: wrong })).toBe(
      wrong.message,
    );
    expect(actionMessage(translate, 'es', { busy: false, error: wrong })).toBe(
      es['error.invalid_credentials'],
    );
    expect(es['error.invalid_credentials']).not.toBe(wrong.message);
    expect(actionMessage(translate, 'es', idle)).toBeNull();
  });
});
