/** MODAL_WIDGET: a dialog shown while its `isOpen` meta value is true; Escape or outside click closes it. */
import { useEffect } from "react";

import { num, str, type WidgetProps } from "../types";

export default function Modal({ name, values, children, onMeta, onEvent }: WidgetProps) {
  const open = values["isOpen"] === true;
  const closable = values["canOutsideClickClose"] !== false;
  useEffect(() => {
    if (!open || !closable) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      onMeta({ isOpen: false });
      onEvent("onClose");
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, closable, onMeta, onEvent]);
  if (!open) return null;
  const close = () => {
    onMeta({ isOpen: false });
    onEvent("onClose");
  };
  return (
    <div className="lc-modal" role="presentation" onClick={() => closable && close()}>
      <div
        className="lc-modal__dialog"
        role="dialog"
        aria-modal="true"
        aria-label={name}
        style={{ width: `min(${num(values["width"], 456)}px, 95vw)`, minHeight: `min(${num(values["height"], 240)}px, 90vh)`, background: str(values["backgroundColor"]) || undefined }}
        onClick={(e) => e.stopPropagation()}
      >
        <button type="button" className="lc-modal__close" aria-label="Close" onClick={close}>
          ×
        </button>
        {children}
      </div>
    </div>
  );
}
