/** IFRAME_WIDGET: another page, sandboxed (scripts only, no same-origin access). */
import { str, type WidgetProps } from "../types";

export default function Iframe({ values }: WidgetProps) {
  const src = str(values["source"]);
  const srcDoc = str(values["srcDoc"]);
  return (
    <iframe
      className="lc-iframe"
      title={str(values["title"], "Embedded page")}
      sandbox="allow-scripts allow-forms allow-popups"
      referrerPolicy="no-referrer"
      {...(srcDoc !== "" ? { srcDoc } : { src: /^https?:/i.test(src) ? src : undefined })}
    />
  );
}
