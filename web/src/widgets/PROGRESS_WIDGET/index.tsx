/** PROGRESS_WIDGET: a bar (or steps) from 0 to 100. */
import { num, str, type WidgetProps } from "../types";

export default function Progress({ values }: WidgetProps) {
  const value = Math.min(100, Math.max(0, num(values["progress"])));
  return (
    <div className="lc-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={values["isIndeterminate"] === true ? undefined : value}>
      <div className="lc-progress__fill" style={{ width: `${value}%`, background: str(values["fillColor"]) || "var(--lc-primary)" }} />
      {values["showResult"] === true && <span className="lc-progress__label">{value}%</span>}
    </div>
  );
}
