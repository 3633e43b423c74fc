/** The icon picker (properties of type `icon`) and the theme's font control. */
import { useState } from "react";

import { glyphOf } from "../widgets/ICON_BUTTON_WIDGET/icons";
import { cleanStack, FONT_CHOICES, fontChoiceOf } from "./fonts";
import { ICON_PATTERN, searchIcons } from "./iconNames";

export function IconPicker(props: { label: string; value: string; onChange(name: string | undefined): void }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const [typed, setTyped] = useState(props.value);
  const found = searchIcons(query);
  return (
    <div className="lc-ed-iconpicker" data-icon-picker={props.label}>
      <button type="button" aria-label={`${props.label}: ${props.value || "none"}`} aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="lc-ed-iconpicker__glyph" aria-hidden="true">
          {props.value ? glyphOf(props.value) : "∅"}
        </span>{" "}
        {props.value || "None"}
      </button>
      {open && (
        <div className="lc-ed-iconpicker__panel" role="dialog" aria-label={`Pick ${props.label}`}>
          <input type="search" aria-label="Search icons" placeholder="Search icons" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
          <div className="lc-ed-iconpicker__grid" role="listbox" aria-label="Icons">
            <button
              type="button"
              role="option"
              aria-selected={props.value === ""}
              title="None"
              onClick={() => {
                props.onChange(undefined);
                setOpen(false);
              }}
            >
              ∅
            </button>
            {found.map((name) => (
              <button
                key={name}
                type="button"
                role="option"
                aria-selected={props.value === name}
                aria-label={name}
                title={name}
                onClick={() => {
                  props.onChange(name);
                  setTyped(name);
                  setOpen(false);
                }}
              >
                {glyphOf(name)}
              </button>
            ))}
          </div>
          <label>
            Or type a name
            <input
              aria-label="Icon name"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              onBlur={() => ICON_PATTERN.test(typed) && typed !== props.value && props.onChange(typed)}
            />
          </label>
          {typed !== "" && !ICON_PATTERN.test(typed) && <p className="lc-ed-prop__error">Lowercase words joined by hyphens, such as arrow-right.</p>}
        </div>
      )}
    </div>
  );
}

export function FontPicker(props: { value: string; onChange(stack: string): void }) {
  const choice = fontChoiceOf(props.value);
  const [custom, setCustom] = useState(choice === null);
  return (
    <div className="lc-ed-fontpicker">
      <select
        aria-label="Font"
        value={custom ? "" : (choice?.stack ?? "system-ui")}
        onChange={(e) => {
          if (e.target.value === "") setCustom(true);
          else {
            setCustom(false);
            props.onChange(e.target.value);
          }
        }}
      >
        {FONT_CHOICES.map((c) => (
          <option key={c.stack} value={c.stack} style={{ fontFamily: c.stack }}>
            {c.label}
          </option>
        ))}
        <option value="">Other…</option>
      </select>
      {custom && <input aria-label="Font stack" placeholder="Inter, sans-serif" value={props.value} onChange={(e) => props.onChange(cleanStack(e.target.value))} />}
      <span className="lc-ed-fontpicker__sample" style={{ fontFamily: props.value || "system-ui" }}>
        The quick brown fox 0123
      </span>
    </div>
  );
}
