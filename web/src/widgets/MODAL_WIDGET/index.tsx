/**
 * MODAL_WIDGET: a dialog shown while its `isOpen` meta value is true; Escape or an outside click
 * closes it. Focus moves into it when it opens, Tab and Shift+Tab stay inside it, and focus returns
 * to where it was when it closes.
 */
import { useEffect, useRef } from "react";

import { num, str, type WidgetProps } from "../types";
import { FOCUSABLE, trappedIndex } from "./focus";

export default function Modal({ name, values, children, onMeta, onEvent }: WidgetProps) {
  const open = values["isOpen"] === true;
  const closable = values["canOutsideClickClose"] !== false;
  const dialog = useRef<HTMLDivElement>(null);
  const latest = useRef({ onMeta, onEvent });
  latest.current = { onMeta, onEvent };

  useEffect(() => {
    if (!open) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // The content may still be loading (lazy widgets): focus the first control once it is there.
    let tries = 0;
    const focusFirst = () => {
      const box = dialog.current;
      if (!box) return;
      const first = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)].find((e) => !e.classList.contains("lc-modal__close"));
      if (first) first.focus();
      else if (tries < 10) {
        tries += 1;
        timer = window.setTimeout(focusFirst, 50);
        if (!box.contains(document.activeElement)) box.focus();
      } else box.querySelector<HTMLElement>(".lc-modal__close")?.focus();
    };
    let timer = window.setTimeout(focusFirst, 0);
    return () => {
      window.clearTimeout(timer);
      if (opener && opener.isConnected) opener.focus();
    };
  }, [open]);

  useEffect(() => {
    if (!open || !closable) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      latest.current.onMeta({ isOpen: false });
      latest.current.onEvent("onClose");
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, closable]);

  if (!open) return null;
  const close = () => {
    onMeta({ isOpen: false });
    onEvent("onClose");
  };
  return (
    <div className="lc-modal" role="presentation" onClick={() => closable && close()}>
      <div
        ref={dialog}
        className="lc-modal__dialog"
        role="dialog"
        aria-modal="true"
        aria-label={name}
        tabIndex={-1}
        style={{ width: `min(${num(values["width"], 456)}px, 95vw)`, minHeight: `min(${num(values["height"], 240)}px, 90vh)`, background: str(values["backgroundColor"]) || undefined }}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key !== "Tab") return;
          const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
          const next = items[trappedIndex(items.length, items.indexOf(document.activeElement as HTMLElement), e.shiftKey)];
          e.preventDefault();
          next?.focus();
        }}
      >
        <button type="button" className="lc-modal__close" aria-label="Close" onClick={close}>
          ×
        </button>
        {children}
      </div>
    </div>
  );
}
