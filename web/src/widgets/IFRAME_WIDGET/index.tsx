/**
 * IFRAME_WIDGET: another page or inline HTML in a sandboxed frame. A new `source` runs
 * `onURLChanged`, new `srcDoc` runs `onSrcDocChanged`; a message the frame posts to the app sets
 * `message` and `messageMetadata` and runs `onMessageReceived`.
 */
import { useEffect, useRef, type SyntheticEvent } from "react";

import { str, type WidgetProps } from "../types";
import { safeSource, sandboxFor } from "./frame";

/**
 * Inline HTML is written into a page of its own (served with its own policy and an opaque origin)
 * rather than a `srcdoc` frame, which would inherit the app page's Content-Security-Policy and so
 * never run the HTML's scripts. Written once per frame: writing fires the frame's load again.
 */
const INLINE_HTML_FRAME = "/frames/inline-html";

function writeInlineHtml(frame: HTMLIFrameElement, html: string): void {
  if (frame.dataset["written"]) return;
  frame.dataset["written"] = "true";
  frame.contentWindow?.postMessage({ lowcraftInlineHtml: html }, "*");
}

/** Runs `run` when `value` changes after the first render. */
function useOnChange(value: string, run: () => void): void {
  const previous = useRef(value);
  useEffect(() => {
    if (previous.current === value) return;
    previous.current = value;
    run();
  });
}

export default function Iframe({ name, values, onMeta, onEvent }: WidgetProps) {
  const frame = useRef<HTMLIFrameElement>(null);
  const src = str(values["source"]);
  const srcDoc = str(values["srcDoc"]);
  const safe = safeSource(src);
  const latest = useRef({ onMeta, onEvent });
  latest.current = { onMeta, onEvent };
  useOnChange(src, () => onEvent("onURLChanged"));
  useOnChange(srcDoc, () => onEvent("onSrcDocChanged"));
  useEffect(() => {
    const receive = (e: MessageEvent) => {
      if (!frame.current || e.source !== frame.current.contentWindow) return;
      latest.current.onMeta({ message: e.data as unknown, messageMetadata: { origin: e.origin } });
      latest.current.onEvent("onMessageReceived");
    };
    window.addEventListener("message", receive);
    return () => window.removeEventListener("message", receive);
  }, []);
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <iframe
      key={srcDoc !== "" ? `inline:${srcDoc}` : "source"}
      ref={frame}
      className="lc-iframe"
      title={str(values["title"]) || name}
      sandbox={sandboxFor(safe, srcDoc !== "", values["sandboxed"] !== false, origin)}
      referrerPolicy="no-referrer"
      style={{ border: `${str(values["borderWidth"], "1")}px solid ${str(values["borderColor"], "#A9A7A7")}`, borderRadius: str(values["borderRadius"]) || undefined }}
      {...(srcDoc !== ""
        ? { src: INLINE_HTML_FRAME, onLoad: (e: SyntheticEvent<HTMLIFrameElement>) => writeInlineHtml(e.currentTarget, srcDoc) }
        : { src: safe })}
    />
  );
}
