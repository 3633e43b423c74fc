/**
 * RATE_WIDGET: a row of stars; picking one sets `rate` (and `value`) and runs `onRateChanged`.
 * Each star is one choice of a radio group (two with half stars: its left half picks the half), so
 * it works from the keyboard and a screen reader names each choice by the developer's hint.
 */
import { arr, bool, str, type WidgetProps } from "../types";
import { pickLabel, shownRate, starCount, starFill, STAR_SIZES } from "./stars";

const STAR = "\u2605";

export default function Rate({ name, values, onMeta, onEvent }: WidgetProps) {
  const stars = starCount(values["maxCount"]);
  const half = bool(values["isAllowHalf"]);
  const rate = shownRate(values["rate"], stars, half);
  const disabled = bool(values["isDisabled"]);
  const hints = arr(values["tooltips"]);
  const active = str(values["activeColor"]) || "#f5a524";
  const inactive = str(values["inactiveColor"]) || "#d8dce3";
  const size = STAR_SIZES[str(values["size"], "MEDIUM")] ?? STAR_SIZES["MEDIUM"];

  const pick = (value: number): void => {
    if (disabled) return;
    onMeta({ rate: value, isDirty: true });
    onEvent("onRateChanged");
  };
  const choice = (value: number, side: "left" | "right" | "whole") => (
    <button
      key={`${value}`}
      type="button"
      role="radio"
      aria-checked={rate === value}
      aria-label={pickLabel(value, hints)}
      title={pickLabel(value, hints)}
      disabled={disabled}
      onClick={() => pick(value)}
      style={{
        position: "absolute",
        top: 0,
        bottom: 0,
        left: side === "right" ? "50%" : 0,
        width: side === "whole" ? "100%" : "50%",
        padding: 0,
        border: "none",
        background: "transparent",
        cursor: disabled ? "not-allowed" : "pointer",
      }}
    />
  );

  return (
    <div role="radiogroup" aria-label={name} aria-disabled={disabled || undefined} style={{ display: "flex", alignItems: "center", height: "100%", gap: 2, fontSize: size, lineHeight: 1, opacity: disabled ? 0.5 : undefined }}>
      {Array.from({ length: stars }, (_, i) => {
        const index = i + 1;
        const fill = starFill(index, rate);
        return (
          <span key={index} style={{ position: "relative", display: "inline-block" }}>
            <span aria-hidden="true" style={{ color: inactive }}>{STAR}</span>
            <span aria-hidden="true" data-fill={fill} style={{ position: "absolute", left: 0, top: 0, width: `${fill * 100}%`, overflow: "hidden", color: active }}>{STAR}</span>
            {half ? [choice(index - 0.5, "left"), choice(index, "right")] : choice(index, "whole")}
          </span>
        );
      })}
    </div>
  );
}
