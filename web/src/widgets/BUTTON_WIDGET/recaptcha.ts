/**
 * Google reCAPTCHA for buttons with a site key: load Google's client script once per page and key,
 * obtain a token for a click, and only then let the click's onClick run. The browser is reached
 * through `RecaptchaPage`, so the flow is testable without a DOM.
 */
import { messageOf } from "../../engine/errors";

export type RecaptchaVersion = "V3" | "V2";

/** The part of Google's `grecaptcha` global a button uses (developers.google.com/recaptcha/docs). */
export interface Grecaptcha {
  ready(callback: () => void): void;
  /** v3: `execute(siteKey, {action})` resolves to a token; v2: `execute(widgetId)` starts the (invisible) challenge. */
  execute(keyOrWidget?: string | number, options?: { action: string }): PromiseLike<string> | void;
  render(container: HTMLElement | string, parameters: V2Parameters): number;
  reset?(widget?: number): void;
}

export interface V2Parameters {
  sitekey: string;
  size: "invisible";
  callback: (token: string) => void;
  "error-callback": () => void;
  "expired-callback": () => void;
}

/** The browser as the reCAPTCHA flow uses it. */
export interface RecaptchaPage {
  /** Where this instance loads reCAPTCHA from (`LOWCRAFT_RECAPTCHA_SCRIPT_URL`). */
  scriptUrl(): Promise<string>;
  /** Adds a `<script>`; settles when it has run or failed to load. */
  loadScript(src: string): Promise<void>;
  /** Takes a script back out after it failed, so a later click can try again. */
  removeScript(src: string): void;
  grecaptcha(): Grecaptcha | undefined;
  /** A hidden element for v2's invisible widget. */
  container(): HTMLElement | string;
}

/** A click waited this long for Google's script before giving up (a blocked network hangs, it does not fail). */
export const LOAD_TIMEOUT_MS = 20_000;

/** The script address for a version: v3 names its key in `render`, v2 renders widgets explicitly. */
export function scriptSource(base: string, siteKey: string, version: RecaptchaVersion): string {
  const url = new URL(base);
  url.searchParams.set("render", version === "V3" ? siteKey : "explicit");
  return url.toString();
}

export class RecaptchaError extends Error {
  override name = "RecaptchaError";
}

/** One page's reCAPTCHA: scripts loaded once per address (so per key for v3), v2 widgets once per key. */
export class Recaptcha {
  private readonly scripts = new Map<string, Promise<Grecaptcha>>();
  private readonly v2Widgets = new Map<string, { id: number; waiting: ((outcome: { token?: string; error?: string }) => void) | null }>();

  constructor(
    private readonly page: RecaptchaPage,
    private readonly timeoutMs = LOAD_TIMEOUT_MS,
  ) {}

  /** Starts loading the script before the first click; a failure is reported by that click instead. */
  preload(siteKey: string, version: RecaptchaVersion): void {
    this.loaded(siteKey, version).catch(() => undefined);
  }

  /** A fresh token for `siteKey`; rejects with a RecaptchaError saying what went wrong. */
  async token(siteKey: string, version: RecaptchaVersion): Promise<string> {
    const loaded = await this.loaded(siteKey, version);
    // Google's loader fills in the global it defined; the global is what its own docs call.
    const grecaptcha = this.page.grecaptcha() ?? loaded;
    let token: unknown;
    try {
      token = version === "V3" ? await grecaptcha.execute(siteKey, { action: "submit" }) : await this.challenge(grecaptcha, siteKey);
    } catch (error) {
      throw new RecaptchaError(`reCAPTCHA refused the click: ${messageOf(error)}`);
    }
    if (typeof token !== "string" || token === "") throw new RecaptchaError("reCAPTCHA returned no token; check the site key and its version.");
    return token;
  }

  private loaded(siteKey: string, version: RecaptchaVersion): Promise<Grecaptcha> {
    return this.page.scriptUrl().then((base) => {
      const src = scriptSource(base, siteKey, version);
      let script = this.scripts.get(src);
      if (!script) {
        script = this.load(src);
        this.scripts.set(src, script);
        // A failed load is forgotten so the next click tries again (the network may be back).
        script.catch(() => {
          this.scripts.delete(src);
          this.page.removeScript(src);
        });
      }
      return script;
    });
  }

  private load(src: string): Promise<Grecaptcha> {
    const host = new URL(src).host;
    const loading = this.page
      .loadScript(src)
      .catch(() => {
        throw new RecaptchaError(`reCAPTCHA could not be loaded from ${host}.`);
      })
      .then(
        () =>
          new Promise<Grecaptcha>((resolve, reject) => {
            const grecaptcha = this.page.grecaptcha();
            if (!grecaptcha || typeof grecaptcha.ready !== "function") {
              reject(new RecaptchaError(`The script from ${host} is not Google reCAPTCHA.`));
              return;
            }
            grecaptcha.ready(() => resolve(this.page.grecaptcha() ?? grecaptcha));
          }),
      );
    return withTimeout(loading, this.timeoutMs, `reCAPTCHA did not load from ${host} in time.`);
  }

  /** v2: one invisible widget per key; `execute` opens the challenge and the callback brings the token. */
  private challenge(grecaptcha: Grecaptcha, siteKey: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let widget = this.v2Widgets.get(siteKey);
      const settle = (outcome: { token?: string; error?: string }) => {
        const current = this.v2Widgets.get(siteKey);
        if (current) current.waiting = null;
        if (outcome.token !== undefined) resolve(outcome.token);
        else reject(new Error(outcome.error ?? "no token"));
      };
      if (!widget) {
        const entry: { id: number; waiting: ((outcome: { token?: string; error?: string }) => void) | null } = { id: -1, waiting: null };
        entry.id = grecaptcha.render(this.page.container(), {
          sitekey: siteKey,
          size: "invisible",
          callback: (token) => entry.waiting?.({ token }),
          "error-callback": () => entry.waiting?.({ error: "the challenge could not be completed (network error)" }),
          "expired-callback": () => entry.waiting?.({ error: "the challenge expired" }),
        });
        widget = entry;
        this.v2Widgets.set(siteKey, widget);
      } else {
        // A v2 token can be verified once; reset so this click gets a new one.
        grecaptcha.reset?.(widget.id);
      }
      // A challenge the user closed never calls back; a new click replaces the abandoned wait.
      widget.waiting?.({ error: "a newer click replaced this one" });
      widget.waiting = settle;
      grecaptcha.execute(widget.id);
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new RecaptchaError(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export interface ClickHandlers {
  readonly onMeta: (changes: Record<string, unknown>) => void;
  readonly onEvent: (event: string) => void;
}

/**
 * A click on a button with a site key: obtain the token, make it `recaptchaToken`, then run
 * onClick (the engine handles the two in order, so onClick's bindings read the new token).
 * Resolves to null when onClick ran, else to the message to show; onClick then does not run.
 */
export async function clickWithRecaptcha(recaptcha: Pick<Recaptcha, "token">, siteKey: string, version: RecaptchaVersion, handlers: ClickHandlers): Promise<string | null> {
  let token: string;
  try {
    token = await recaptcha.token(siteKey, version);
  } catch (error) {
    return error instanceof RecaptchaError ? error.message : `reCAPTCHA failed: ${messageOf(error)}`;
  }
  handlers.onMeta({ recaptchaToken: token });
  handlers.onEvent("onClick");
  return null;
}

export const recaptchaVersion = (value: unknown): RecaptchaVersion => (value === "V2" ? "V2" : "V3");
