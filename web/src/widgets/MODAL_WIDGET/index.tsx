/** MODAL_WIDGET: a dialog shown while its `isOpen` meta value is true. */
import type { WidgetProps } from "../types";

export default function Modal({ values, children, onMeta, onEvent }: WidgetProps) {
  if (values["isOpen"] !== true) return null;
  const close = () => {
    onMeta({ isOpen: false });
    onEvent("onClose");
  };
  return (
    <div className="lc-modal" role="presentation" onClick={() => values["canOutsideClickClose"] !== false && close()}>
      <div className="lc-modal__dialog" role="dialog" aria-modal="true" onClick={(e) => e.stopPropagation()}>
        {children}
      </div>
    </div>
  );
}
