/**
 * Minimal stand-ins for the parts of Electron the main-process modules touch. The Electron
 * binary cannot run here, so these are the one allowed mock (ARCHITECTURE.md, "Testing
 * strategy"): everything behind them (dispatch, schemas, the core) is real.
 */
import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';

type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** ipcMain.handle collects handlers and, like Electron, refuses a second one per channel. */
export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, handler);
  }

  /** What `ipcRenderer.invoke(channel, payload)` from `sender` would resolve to. */
  async invoke(sender: FakeSender, channel: string, payload?: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = {
      sender: sender.contents,
      senderFrame: sender.frame,
    } as unknown as IpcMainInvokeEvent;
    return handler(event, payload);
  }
}

export interface FrameOptions {
  parent?: object | null;
  destroyed?: boolean;
  /** Touching the frame throws, as Electron does for a disposed frame. */
  disposed?: boolean;
}

export function fakeFrame(url: string, options: FrameOptions = {}): WebFrameMain {
  const frame = {
    get url() {
      if (options.disposed) throw new Error('Render frame was disposed');
      return url;
    },
    get parent() {
      if (options.disposed) throw new Error('Render frame was disposed');
      return options.parent ?? null;
    },
    isDestroyed: () => options.destroyed ?? false,
  };
  return frame as unknown as WebFrameMain;
}

/** A webContents: an id and the 'destroyed' event the context registry listens for. */
export class FakeWebContents {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  private readonly listeners = new Map<string, Array<() => void>>();

  once(event: string, listener: () => void): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  destroy(): void {
    for (const listener of this.listeners.get('destroyed') ?? []) listener();
    this.listeners.delete('destroyed');
  }
}

export interface FakeSender {
  contents: FakeWebContents;
  frame: WebFrameMain | null;
}

export function sender(frame: WebFrameMain | null, contents = new FakeWebContents()): FakeSender {
  return { contents, frame };
}

/** Records `on(event, listener)` registrations so a test can emit them. */
export class FakeEmitter {
  readonly listeners = new Map<string, Array<(...args: never[]) => unknown>>();

  on(event: string, listener: (...args: never[]) => unknown): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as (...a: unknown[]) => unknown)(...args);
    }
  }
}

/** An Electron-style event whose default can be prevented. */
export function preventable(extra: Record<string, unknown> = {}) {
  let prevented = false;
  return {
    ...extra,
    preventDefault: () => {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}
