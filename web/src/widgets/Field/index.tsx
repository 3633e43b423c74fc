/**
 * A labelled form control: the label, the control and the validation message. A control that is
 * not one element (a dropdown with a popup) sits in a group instead of a <label>, because a label
 * forwards every click inside it to its first control.
 */
import type { ReactNode } from "react";

import { str, type WidgetValues } from "../types";

export function Field(props: { values: WidgetValues; labelKey?: string; invalid?: boolean; message?: string; group?: boolean; children: ReactNode }) {
  const v = props.values;
  const label = str(v[props.labelKey ?? "label"]);
  const inline = v["labelPosition"] === "Left";
  const content = (
    <>
      {label !== "" && (
        <span className="lc-field__label" style={{ color: str(v["labelTextColor"]) || undefined }}>
          {label}
          {v["isRequired"] === true && <span aria-hidden="true"> *</span>}
        </span>
      )}
      {props.children}
      {props.invalid && (
        <span className="lc-field__error" role="alert">
          {props.message || "Invalid value"}
        </span>
      )}
    </>
  );
  const className = `lc-field${inline ? " lc-field--inline" : ""}`;
  const title = str(v["tooltip"]) || undefined;
  if (props.group) {
    return (
      <div className={className} title={title} role="group" aria-label={label || undefined}>
        {content}
      </div>
    );
  }
  return (
    <label className={className} title={title}>
      {content}
    </label>
  );
}
