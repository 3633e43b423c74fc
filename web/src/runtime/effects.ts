/**
 * Carrying out the engine's effects in the page: toasts, navigation, downloads, clipboard, window
 * messages and the store. The page supplies what depends on its state (toasts, routing).
 */
import type { AlertStyle, Effect } from "../engine/host";
import type { AppStore } from "./appStore";

export interface EffectTargets {
  readonly store: AppStore;
  toast(message: string, style: AlertStyle): void;
  /** A page of this app by name or slug; false when there is none (then `target` is a URL). */
  navigateToPage(target: string, params: Readonly<Record<string, unknown>>): boolean;
  openUrl(url: string, newWindow: boolean): void;
  downloadFile(blob: Blob, fileName: string): void;
  copyText(text: string): Promise<void>;
  postToParent(message: unknown, targetOrigin: string): void;
  log(level: "error" | "warn" | "info", message: string, source: string): void;
  /** End the session, then go to `redirectUrl` (or the login page). */
  logout(redirectUrl: string): void;
}

const SAFE_URL = /^(https?:|mailto:|tel:|\/)/i;

/** The bytes of a `download()` call: text as is, anything else as JSON; data: URLs decoded. */
export function downloadBlob(data: unknown, fileType: string): Blob {
  if (typeof data === "string") {
    const dataUrl = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(data);
    if (dataUrl) {
      const [, mime, base64, payload] = dataUrl;
      const bytes = base64 ? Uint8Array.from(atob(payload ?? ""), (c) => c.charCodeAt(0)) : decodeURIComponent(payload ?? "");
      return new Blob([bytes], { type: fileType || mime || "application/octet-stream" });
    }
    return new Blob([data], { type: fileType || "text/plain" });
  }
  return new Blob([JSON.stringify(data, null, 2)], { type: fileType || "application/json" });
}

export function applyEffect(effect: Effect, to: EffectTargets): void {
  if (to.store.apply(effect)) return;
  switch (effect.kind) {
    case "showAlert":
      to.toast(effect.message, effect.style);
      return;
    case "navigateTo": {
      const newWindow = effect.window === "NEW_WINDOW";
      if (!newWindow && to.navigateToPage(effect.target, effect.params)) return;
      if (!SAFE_URL.test(effect.target)) {
        to.log("warn", `navigateTo: ${effect.target} is neither a page of this app nor an http(s) URL`, "navigateTo");
        return;
      }
      const url = new URL(effect.target, "http://placeholder.invalid");
      for (const [k, v] of Object.entries(effect.params)) url.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
      const href = effect.target.startsWith("/") ? `${url.pathname}${url.search}${url.hash}` : url.href;
      to.openUrl(href, newWindow);
      return;
    }
    case "download":
      to.downloadFile(downloadBlob(effect.data, effect.fileType), effect.fileName);
      return;
    case "copyToClipboard":
      to.copyText(effect.text).catch(() => to.toast("Could not copy to the clipboard", "error"));
      return;
    case "postWindowMessage":
      to.postToParent(effect.message, effect.targetOrigin);
      return;
    case "log":
      to.log(effect.level, effect.message, effect.source);
      return;
    case "logoutUser":
      to.logout(SAFE_URL.test(effect.redirectUrl) ? effect.redirectUrl : "");
      return;
    case "showModal":
    case "closeModal":
      // Modal visibility is the modal's `isOpen` meta value in the engine; the view follows it.
      return;
    default:
      return;
  }
}
