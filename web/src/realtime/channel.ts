/**
 * One channel of `/api/v1/ws` (docs/realtime.md): the socket, reconnecting with backoff, the
 * heartbeat (`{"type":"ping"}` every 20 s), and what each close code means for the person at the
 * screen. Yjs-free on purpose: the published viewer uses it for its `view:` channel and must stay
 * small; the editor's co-editing provider (`provider.ts`) builds on it.
 */

export const HEARTBEAT_MS = 20_000;
/** Reconnect delays grow from the first to the last and stay there (plus up to 30% jitter). */
export const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15_000] as const;

/** What a close code from the server says, and whether trying again can help. */
export interface CloseMeaning {
  readonly message: string;
  readonly retry: boolean;
}

const CLOSE_CODES: Readonly<Record<number, CloseMeaning>> = {
  4400: { message: "The live connection sent something the server could not read; reconnecting.", retry: true },
  4401: { message: "You are signed out: sign in again to edit together.", retry: false },
  4403: { message: "You do not have access to this application's live channel.", retry: false },
  4404: { message: "This application no longer exists.", retry: false },
  4408: { message: "The live connection went quiet; reconnecting.", retry: true },
  4409: { message: "Too many open live connections for your account: close another tab of Lowcraft.", retry: true },
  4413: { message: "A change was too large to send live; reconnecting.", retry: true },
  4429: { message: "The live connection fell behind; reconnecting to catch up.", retry: true },
  4500: { message: "The server could not load this application for live editing; trying again.", retry: true },
};

export function closeMeaning(code: number, reason = ""): CloseMeaning {
  const known = CLOSE_CODES[code];
  if (known) return known;
  return { message: reason ? `The live connection closed: ${reason}. Reconnecting.` : "The live connection was lost; reconnecting.", retry: true };
}

/** The endpoint's address for a channel, on the page's own origin. */
export function channelUrl(channel: string, location: { protocol: string; host: string } = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1/ws?channel=${encodeURIComponent(channel)}`;
}

export type ChannelStatus = "connecting" | "open" | "offline" | "closed";

/** The part of a browser WebSocket a channel uses (tests pass their own pair). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface ChannelHandlers {
  /** The socket is open (first time or again): send what a fresh connection needs. */
  open?(): void;
  binary?(data: Uint8Array): void;
  /** A JSON text frame other than `pong`. */
  text?(message: Record<string, unknown>): void;
  /** Status changes, with the close code's message when the connection ended. */
  status?(status: ChannelStatus, problem: string | null): void;
}

export interface ChannelOptions {
  readonly url: string;
  readonly connect?: (url: string) => SocketLike;
  readonly heartbeatMs?: number;
  readonly backoffMs?: readonly number[];
  /** Window events (online/offline); none in tests. */
  readonly events?: Pick<Window, "addEventListener" | "removeEventListener"> | null;
}

const OPEN = 1;

export class Channel {
  private socket: SocketLike | null = null;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private beat: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  status: ChannelStatus = "connecting";
  private serverSaid: string | null = null;
  problem: string | null = null;

  constructor(
    private readonly options: ChannelOptions,
    private readonly handlers: ChannelHandlers,
  ) {
    const events = options.events === undefined ? (typeof window === "undefined" ? null : window) : options.events;
    if (events) {
      events.addEventListener("offline", this.wentOffline);
      events.addEventListener("online", this.cameOnline);
      this.removeEvents = () => {
        events.removeEventListener("offline", this.wentOffline);
        events.removeEventListener("online", this.cameOnline);
      };
    }
    this.connect();
  }

  private removeEvents: () => void = () => undefined;

  get isOpen(): boolean {
    return this.socket !== null && this.socket.readyState === OPEN && this.status === "open";
  }

  private setStatus(status: ChannelStatus, problem: string | null): void {
    this.status = status;
    this.problem = problem;
    this.handlers.status?.(status, problem);
  }

  private connect(): void {
    if (this.stopped) return;
    this.setStatus("connecting", this.problem);
    const connect = this.options.connect ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    let socket: SocketLike;
    try {
      socket = connect(this.options.url);
    } catch (error) {
      this.scheduleRetry(error instanceof Error ? error.message : String(error));
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempts = 0;
      this.setStatus("open", null);
      this.beat = setInterval(() => this.sendText({ type: "ping" }), this.options.heartbeatMs ?? HEARTBEAT_MS);
      this.handlers.open?.();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const data = event.data;
      if (typeof data === "string") {
        let message: unknown;
        try {
          message = JSON.parse(data);
        } catch {
          return;
        }
        if (!message || typeof message !== "object") return;
        const m = message as Record<string, unknown>;
        // The server says why before it closes: that is what the person is told.
        if (m["type"] === "error" && typeof m["message"] === "string") this.serverSaid = m["message"];
        if (m["type"] !== "pong") this.handlers.text?.(m);
      } else if (data instanceof ArrayBuffer) this.handlers.binary?.(new Uint8Array(data));
      else if (data instanceof Uint8Array) this.handlers.binary?.(data);
    };
    socket.onerror = () => undefined; // a close follows
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.dropSocket();
      if (this.stopped) return;
      const known = closeMeaning(event.code, event.reason);
      const said = this.serverSaid;
      this.serverSaid = null;
      const meaning = said && event.code >= 4000 ? { retry: known.retry, message: known.retry ? `${said} Reconnecting.` : `${known.message} (${said})` } : known;
      if (!meaning.retry) {
        this.stop();
        this.setStatus("closed", meaning.message);
        return;
      }
      this.scheduleRetry(meaning.message);
    };
  }

  private dropSocket(): void {
    if (this.beat !== null) clearInterval(this.beat);
    this.beat = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
      if (socket.readyState <= OPEN) socket.close(1000, "client closed");
    }
  }

  private scheduleRetry(problem: string): void {
    if (this.stopped || this.retryTimer !== null) return;
    const steps = this.options.backoffMs ?? BACKOFF_MS;
    const base = steps[Math.min(this.attempts, steps.length - 1)] ?? 1000;
    this.attempts += 1;
    this.setStatus(typeof navigator !== "undefined" && navigator.onLine === false ? "offline" : "connecting", problem);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, base + Math.random() * base * 0.3);
  }

  private readonly wentOffline = (): void => {
    // The browser says the network is gone: stop waiting on a dead socket, work offline.
    if (this.stopped) return;
    this.dropSocket();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.setStatus("offline", "You are offline: your changes are kept here and merge when you are back.");
  };

  private readonly cameOnline = (): void => {
    if (this.stopped || this.socket !== null) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempts = 0;
    this.connect();
  };

  send(data: Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.socket?.send(data);
    return true;
  }

  sendText(message: Record<string, unknown>): boolean {
    if (!this.isOpen) return false;
    this.socket?.send(JSON.stringify(message));
    return true;
  }

  /** Close for good (the page is left). */
  stop(): void {
    this.stopped = true;
    this.removeEvents();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket();
  }
}
