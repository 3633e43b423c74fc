/** A labelled form control: the label, the control and the validation message. */
import type { ReactNode } from "react";

import { str, type WidgetValues } from "../types";

export function Field(props: { values: WidgetValues; labelKey?: string; invalid?: boolean; message?: string; children: ReactNode }) {
  const v = props.values;
  const label = str(v[props.labelKey ?? "label"]);
  const inline = v["labelPosition"] === "Left";
  return (
    <label className={`lc-field${inline ? " lc-field--inline" : ""}`} title={str(v["tooltip"]) || undefined}>
      {label !== "" && (
        <span className="lc-field__label" style={{ color: str(v["labelTextColor"]) || undefined }}>
          {label}
          {v["isRequired"] === true && <span aria-hidden="true"> *</span>}
        </span>
      )}
      {props.children}
      {props.invalid && <span className="lc-field__error">{props.message || "Invalid value"}</span>}
    </label>
  );
}
