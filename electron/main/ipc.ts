import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { CHANNELS, INVALID_REQUEST, type ApiResult } from '../../common/ipc/contract';
import type { ApiHandlers } from '../core/api/api-handlers';
import { dispatch, type ErrorSink } from '../core/api/dispatch';
import { newWindowContext, type WindowContext } from '../core/api/window-context';
import { isTrustedSender as isAppFrame } from './security';

/**
 * The parts of a webContents the IPC layer needs (a real one, or a test fake). `event.sender`
 * below is a real WebContents passed as a ContextOwner, so the compiler checks they match.
 */
export interface ContextOwner {
  readonly id: number;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface RegisterContractOptions {
  handlers: ApiHandlers;
  /** The window's core context: which session it shows. One per webContents. */
  contextFor: (sender: ContextOwner) => WindowContext;
  /** The sender check; defaults to security.ts `isTrustedSender` (top-level app://keyholder). */
  isTrustedSender?: (frame: WebFrameMain | null | undefined) => boolean;
  /** Unexpected handler failures (main's log); never reach the renderer. */
  onError?: ErrorSink;
  /** A refused sender (main's log): the channel and the frame URL, if any. */
  onRefused?: (channel: string, frameUrl: string | null) => void;
}

/** The refusal every untrusted sender gets: the same generic error as a bad payload. */
const REFUSED: ApiResult<never> = Object.freeze({ ok: false, error: INVALID_REQUEST });

function frameUrl(frame: WebFrameMain | null | undefined): string | null {
  try {
    return frame && !frame.isDestroyed() ? frame.url : null;
  } catch {
    return null;
  }
}

/**
 * THE one place IPC handlers are registered: one `ipcMain.handle` per contract channel.
 * Each call: the sender frame must be our own top-level app://keyholder page, otherwise the
 * generic invalid-request error and nothing else (no context created, no core call). A trusted
 * call goes through `dispatch`: request schema, handler, response schema, error mapping.
 * Returns the channels registered.
 */
export function registerContract(
  ipcMain: Pick<IpcMain, 'handle'>,
  options: RegisterContractOptions,
): readonly string[] {
  const trusted = options.isTrustedSender ?? isAppFrame;
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      const frame = event.senderFrame;
      if (!trusted(frame)) {
        options.onRefused?.(channel, frameUrl(frame));
        return REFUSED;
      }
      return dispatch(
        options.handlers,
        options.contextFor(event.sender),
        channel,
        payload,
        options.onError,
      );
    });
  }
  return [...CHANNELS];
}

/**
 * One WindowContext per webContents id, created on its first trusted call and dropped when the
 * webContents is destroyed (window closed), so a session bound to one window is never visible
 * to another window or to a later webContents that happens to reuse the id.
 */
export class WindowContexts {
  private readonly byId = new Map<number, WindowContext>();

  readonly contextFor = (owner: ContextOwner): WindowContext => {
    let ctx = this.byId.get(owner.id);
    if (!ctx) {
      ctx = newWindowContext();
      this.byId.set(owner.id, ctx);
      const id = owner.id;
      owner.once('destroyed', () => this.byId.delete(id));
    }
    return ctx;
  };

  get size(): number {
    return this.byId.size;
  }
}
