/**
 * PROGRESS_WIDGET: progress from 0 to 100 as a bar or a circle, optionally in steps, with the
 * figure shown or an indeterminate animation.
 */
import { num, str, type WidgetProps } from "../types";

export default function Progress({ values }: WidgetProps) {
  const value = Math.min(100, Math.max(0, num(values["progress"])));
  const indeterminate = values["isIndeterminate"] === true;
  const fill = str(values["fillColor"]) || "var(--lc-primary)";
  const steps = Math.max(1, Math.floor(num(values["steps"], 1)));
  const label = values["showResult"] === true && !indeterminate ? <span className="lc-progress__label">{`${value}%`}</span> : null;
  const a11y = { role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": indeterminate ? undefined : value, "aria-busy": indeterminate || undefined } as const;
  if (values["progressType"] === "circular") {
    const r = 40;
    const length = 2 * Math.PI * r;
    const shown = indeterminate ? 25 : value;
    return (
      <div className={`lc-progress-circle${indeterminate ? " lc-progress--indeterminate" : ""}`} {...a11y}>
        <svg viewBox="0 0 100 100" style={{ transform: values["counterClockwise"] === true ? "scaleX(-1)" : undefined }}>
          <circle cx="50" cy="50" r={r} fill="none" stroke="#eaecf0" strokeWidth="10" />
          <circle cx="50" cy="50" r={r} fill="none" stroke={fill} strokeWidth="10" strokeDasharray={`${(shown / 100) * length} ${length}`} transform="rotate(-90 50 50)" />
        </svg>
        {label}
      </div>
    );
  }
  return (
    <div className={`lc-progress${indeterminate ? " lc-progress--indeterminate" : ""}`} {...a11y}>
      {steps > 1 && !indeterminate ? (
        Array.from({ length: steps }, (_, i) => <div key={i} className="lc-progress__step" style={{ background: (i + 1) * (100 / steps) <= value + 1e-9 ? fill : undefined }} />)
      ) : (
        <div className="lc-progress__fill" style={{ width: indeterminate ? "30%" : `${value}%`, background: fill }} />
      )}
      {label}
    </div>
  );
}
