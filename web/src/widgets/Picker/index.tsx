/**
 * A dropdown of options with a search box, for one value or several: the control behind
 * SELECT_WIDGET (when filterable) and MULTI_SELECT_WIDGET_V2.
 */
import { useEffect, useId, useRef, useState } from "react";

import { str } from "../types";
import { filterOptions, summary, type Option } from "./options";

export interface PickerProps {
  readonly options: readonly Option[];
  readonly chosen: readonly unknown[];
  readonly multi: boolean;
  readonly filterable: boolean;
  /** The parent filters on the server (`onFilterUpdate`); the picker shows options as given. */
  readonly serverSideFiltering: boolean;
  readonly filterText: string;
  readonly placeholder: string;
  readonly disabled: boolean;
  readonly allowSelectAll: boolean;
  readonly style?: React.CSSProperties;
  readonly label: string;
  onChoose(values: unknown[]): void;
  onFilter(text: string): void;
  onOpenChange(open: boolean): void;
}

export function Picker(props: PickerProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const listId = useId();
  const shown = props.serverSideFiltering ? [...props.options] : filterOptions(props.options, props.filterText);

  const setOpenState = (next: boolean) => {
    if (next === open) return;
    setOpen(next);
    props.onOpenChange(next);
  };

  useEffect(() => {
    if (!open) return undefined;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) {
        setOpen(false);
        props.onOpenChange(false);
      }
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open, props]);

  const choose = (option: Option) => {
    if (!props.multi) {
      props.onChoose([option.value]);
      setOpenState(false);
      return;
    }
    const has = props.chosen.includes(option.value);
    props.onChoose(has ? props.chosen.filter((v) => v !== option.value) : [...props.chosen, option.value]);
  };
  const allChosen = shown.length > 0 && shown.every((o) => props.chosen.includes(o.value));

  return (
    <div className="lc-picker" ref={root} onKeyDown={(e) => e.key === "Escape" && setOpenState(false)}>
      <button
        type="button"
        className="lc-select lc-picker__trigger"
        role="combobox"
        aria-label={props.label}
        aria-expanded={open}
        aria-controls={listId}
        disabled={props.disabled}
        style={props.style}
        onClick={() => setOpenState(!open)}
      >
        <span className={props.chosen.length === 0 ? "lc-picker__placeholder" : undefined}>{summary(props.options, props.chosen, props.placeholder)}</span>
      </button>
      {open && (
        <div className="lc-picker__popup">
          {props.filterable && (
            <input
              type="search"
              className="lc-input"
              placeholder="Search"
              aria-label={`Search ${props.label}`}
              autoFocus
              value={props.filterText}
              onChange={(e) => props.onFilter(e.target.value)}
            />
          )}
          <ul role="listbox" id={listId} aria-multiselectable={props.multi} aria-label={props.label}>
            {props.multi && props.allowSelectAll && shown.length > 0 && (
              <li
                role="option"
                aria-selected={allChosen}
                onClick={() => props.onChoose(allChosen ? props.chosen.filter((v) => !shown.some((o) => o.value === v)) : [...new Set([...props.chosen, ...shown.map((o) => o.value)])])}
              >
                <input type="checkbox" readOnly checked={allChosen} tabIndex={-1} /> Select all
              </li>
            )}
            {shown.map((o, i) => {
              const selected = props.chosen.includes(o.value);
              return (
                <li key={i} role="option" aria-selected={selected} tabIndex={0} onClick={() => choose(o)} onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), choose(o))}>
                  {props.multi && <input type="checkbox" readOnly checked={selected} tabIndex={-1} />} {str(o.label)}
                </li>
              );
            })}
            {shown.length === 0 && <li className="lc-picker__empty">No options</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
