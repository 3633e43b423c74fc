/**
 * One table cell, shown by its column type (Appsmith's: text, number, currency, date, url, image,
 * video, button, icon button, menu button, select, checkbox, switch, html, edit actions). An
 * editable text, number or date cell turns into an input on double click; Enter or leaving it
 * submits the edit, Escape drops it. Select, checkbox and switch cells edit in place.
 */
import moment from "moment";
import { useRef, useState } from "react";

import { sanitizeHtml } from "../html";
import { glyphOf } from "../ICON_BUTTON_WIDGET/icons";
import { cellText, rowSetting, type Column, type MenuItem } from "./columns";

const SAFE_URL = /^(https?:|mailto:|tel:|\/)/i;
const VIDEO_FILE = /\.(mp4|webm|ogg|ogv|mov)(\?|#|$)/i;
const IMAGE_SIZES: Record<string, string> = { DEFAULT: "28px", MEDIUM: "64px", LARGE: "128px" };

/** A handler of the column: `onClick`, `onSubmit`, `onSave`, `onDiscard`, `onOptionChange`, `onCheckChange`, or a menu item's `menuItems.<id>.onClick`. */
export type ColumnEvent = string;

export interface CellProps {
  column: Column;
  value: unknown;
  /** The row's position in tableData (per-row settings are indexed by it). */
  index: number;
  edited: boolean;
  /** The row has unsaved edits (edit-action buttons are enabled). */
  rowEdited: boolean;
  /** The user may edit this cell (the column is editable and this row's cell is not locked). */
  editable: boolean;
  onColumnEvent(event: ColumnEvent): void;
  /** The user changed the cell's value; `then` names the column handler to run afterwards. */
  onEdit(value: unknown, then?: ColumnEvent): void;
}

/** A date cell's value as a moment: read with the column's input format, or as ISO 8601 / epoch. */
export function parseDate(value: unknown, inputFormat: unknown): moment.Moment | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  let m: moment.Moment;
  if (inputFormat === "Epoch") m = moment.unix(Number(value));
  else if (inputFormat === "Milliseconds" || typeof value === "number") m = moment(Number(value));
  else if (typeof inputFormat === "string" && inputFormat !== "" && inputFormat !== "SAME_AS_INPUT") m = moment(String(value), inputFormat);
  else m = moment(String(value), moment.ISO_8601);
  return m.isValid() ? m : undefined;
}

/** What a date cell shows: the date in the output format (or the input format), else the text as it came. */
export function dateText(value: unknown, inputFormat: unknown, outputFormat: unknown): string {
  const m = parseDate(value, inputFormat);
  if (!m) return value === null || value === undefined ? "" : cellText(value);
  if (typeof outputFormat === "string" && outputFormat !== "" && outputFormat !== "SAME_AS_INPUT") return m.format(outputFormat);
  if (typeof inputFormat === "string" && inputFormat !== "" && inputFormat !== "Epoch" && inputFormat !== "Milliseconds") return m.format(inputFormat);
  return cellText(value);
}

/** A number as money: the column's currency code, decimals and thousands separator. */
export function currencyText(value: unknown, currencyCode: unknown, decimals: unknown, thousandSeparator: unknown): string {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return cellText(value);
  const digits = typeof decimals === "number" && decimals >= 0 && decimals <= 20 ? decimals : 2;
  const options: Intl.NumberFormatOptions = { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: thousandSeparator !== false };
  if (typeof currencyCode === "string" && /^[A-Z]{3}$/.test(currencyCode)) {
    return n.toLocaleString(undefined, { ...options, style: "currency", currency: currencyCode });
  }
  return n.toLocaleString(undefined, options);
}

/**
 * Why an edited value is refused, or undefined when it is fine: the column's `validation` (required,
 * min/max for numbers, a regex over the text, and a per-row "valid" binding), as Appsmith checks
 * an edited cell before it is submitted.
 */
export function editProblem(column: Column, index: number, value: unknown): string | undefined {
  const rules = column.config["validation"];
  if (typeof rules !== "object" || rules === null) return undefined;
  const r = rules as Record<string, unknown>;
  const at = (v: unknown): unknown => (Array.isArray(v) ? v[index] : v);
  const message = (fallback: string): string => {
    const custom = at(r["errorMessage"]);
    return typeof custom === "string" && custom !== "" ? custom : fallback;
  };
  const text = cellText(value);
  if (at(r["isColumnEditableCellRequired"]) === true && text.trim() === "") return message("This field is required");
  if (typeof value === "number") {
    if (typeof r["min"] === "number" && value < r["min"]) return message(`Minimum allowed value: ${r["min"]}`);
    if (typeof r["max"] === "number" && value > r["max"]) return message(`Maximum allowed value: ${r["max"]}`);
  }
  if (typeof r["regex"] === "string" && r["regex"] !== "" && text !== "") {
    try {
      if (!new RegExp(`^(?:${r["regex"]})$`).test(text)) return message("Invalid input");
    } catch {
      // A broken pattern is the developer's to fix; it does not lock the user out.
    }
  }
  if (at(r["isColumnEditableCellValid"]) === false) return message("Invalid input");
  return undefined;
}

interface Option {
  label: unknown;
  value: unknown;
}

function optionsOf(raw: unknown): Option[] {
  if (!Array.isArray(raw)) return [];
  // The first Table widget's dropdown columns could list plain values.
  return raw.map((o) => (typeof o === "string" || typeof o === "number" ? { label: o, value: o } : o)).filter((o): o is Option => typeof o === "object" && o !== null && "value" in o);
}

function buttonLook(color: string, variant: unknown, labelColor: unknown): Record<string, string> {
  const text = typeof labelColor === "string" && labelColor !== "" ? labelColor : undefined;
  if (variant === "SECONDARY") return { background: "transparent", border: `1px solid ${color}`, color: text ?? color };
  if (variant === "TERTIARY") return { background: "transparent", border: "1px solid transparent", color: text ?? color };
  return { background: color, color: text ?? "#fff" };
}

function MenuButton(props: { column: Column; index: number; disabled: boolean; onColumnEvent(event: ColumnEvent): void }) {
  const { column, index } = props;
  const [open, setOpen] = useState(false);
  const setting = (key: string) => rowSetting(column, key, index);
  const items = Object.entries((column.config.menuItems ?? {}) as Record<string, MenuItem>)
    .filter(([, item]) => item.isVisible !== false)
    .sort(([, a], [, b]) => (a.index ?? 0) - (b.index ?? 0));
  const color = (setting("menuColor") as string | undefined) || "var(--lc-primary)";
  const label = cellText(setting("menuButtonLabel")) || "Open menu";
  return (
    <span className="lc-table__menu" onClick={(e) => e.stopPropagation()}>
      <button type="button" className="lc-table__button" aria-haspopup="menu" aria-expanded={open} disabled={props.disabled} style={buttonLook(color, setting("menuVariant"), undefined)} onClick={() => setOpen(!open)}>
        {label} ▾
      </button>
      {open && (
        <span role="menu" className="lc-table__menu-items">
          {items.map(([id, item]) => (
            <button
              key={id}
              type="button"
              role="menuitem"
              disabled={item.isDisabled === true}
              style={{ color: item.textColor || undefined, background: item.backgroundColor || undefined }}
              onClick={() => {
                setOpen(false);
                props.onColumnEvent(`menuItems.${id}.onClick`);
              }}
            >
              {cellText(item.label) || id}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}

export function Cell(props: CellProps) {
  const { column, value, index } = props;
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const cancelled = useRef(false);
  const setting = (key: string): unknown => rowSetting(column, key, index);
  if (setting("isCellVisible") === false) return null;
  const disabled = setting("isDisabled") === true;
  const numeric = column.type === "number" || column.type === "currency";
  if (editing) {
    const shown = column.type === "date" ? (parseDate(value, column.config.inputFormat)?.format("YYYY-MM-DD") ?? cellText(value)) : cellText(value);
    const read = (text: string): unknown => {
      if (numeric) return text.trim() === "" ? null : Number(text);
      if (column.type !== "date") return text;
      // Back in the column's own format, so a save query gets what the data had.
      const m = moment(text, "YYYY-MM-DD", true);
      const format = column.config.inputFormat;
      if (!m.isValid()) return text;
      return format === "Epoch" ? m.unix() : format === "Milliseconds" ? m.valueOf() : typeof format === "string" && format !== "" ? m.format(format) : text;
    };
    return (
      <span className="lc-table__editing">
        <input
          className="lc-table__editor"
          aria-label={`Edit ${column.label}`}
          aria-invalid={problem !== undefined}
          autoFocus
          type={numeric ? "number" : column.type === "date" ? "date" : "text"}
          defaultValue={shown}
          onClick={(e) => e.stopPropagation()}
          onChange={(e) => problem !== undefined && setProblem(editProblem(column, index, read(e.target.value)))}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              cancelled.current = true;
              setProblem(undefined);
              setEditing(false);
            }
            if (e.key === "Enter") (e.target as HTMLInputElement).blur();
          }}
          onBlur={(e) => {
            if (cancelled.current) {
              cancelled.current = false;
              return;
            }
            const next = read(e.target.value);
            const refused = cellText(next) === cellText(value) ? undefined : editProblem(column, index, next);
            // A refused value keeps the cell open with the reason, as in Appsmith.
            setProblem(refused);
            if (refused !== undefined) return;
            setEditing(false);
            if (cellText(next) !== cellText(value)) props.onEdit(next, "onSubmit");
          }}
        />
        {problem !== undefined && (
          <span role="alert" className="lc-table__problem">
            {problem}
          </span>
        )}
      </span>
    );
  }
  const edit = props.editable ? { onDoubleClick: () => setEditing(true), title: "Double-click to edit" } : {};
  const editedClass = props.edited ? "lc-table__edited" : undefined;
  switch (column.type) {
    case "button": {
      const color = (setting("buttonColor") as string | undefined) || (setting("buttonStyle") as string | undefined) || "var(--lc-primary)";
      return (
        <button
          type="button"
          className="lc-table__button"
          disabled={disabled}
          style={buttonLook(color, setting("buttonVariant"), setting("buttonLabelColor"))}
          onClick={(e) => {
            e.stopPropagation();
            props.onColumnEvent("onClick");
          }}
        >
          {cellText(setting("buttonLabel")) || cellText(value) || "Action"}
        </button>
      );
    }
    case "iconButton": {
      const icon = cellText(setting("iconName")) || "add";
      const color = (setting("buttonColor") as string | undefined) || "var(--lc-primary)";
      return (
        <button
          type="button"
          className="lc-table__button lc-table__icon-button"
          aria-label={icon}
          disabled={disabled}
          style={buttonLook(color, setting("buttonVariant"), undefined)}
          onClick={(e) => {
            e.stopPropagation();
            props.onColumnEvent("onClick");
          }}
        >
          <span className="lc-icon" data-icon={icon} aria-hidden="true">
            {glyphOf(icon)}
          </span>
        </button>
      );
    }
    case "menuButton":
      return <MenuButton column={column} index={index} disabled={disabled} onColumnEvent={props.onColumnEvent} />;
    case "editActions": {
      const saveVisible = setting("isSaveVisible") !== false;
      const discardVisible = setting("isDiscardVisible") !== false;
      return (
        <span className="lc-table__edit-actions" onClick={(e) => e.stopPropagation()}>
          {saveVisible && (
            <button
              type="button"
              className="lc-table__button"
              style={{ background: (setting("saveButtonColor") as string | undefined) || "var(--lc-primary)" }}
              disabled={!props.rowEdited || setting("isSaveDisabled") === true}
              onClick={() => props.onColumnEvent("onSave")}
            >
              {cellText(setting("saveActionLabel")) || "Save"}
            </button>
          )}
          {discardVisible && (
            <button type="button" className="lc-table__tool" disabled={!props.rowEdited || setting("isDiscardDisabled") === true} onClick={() => props.onColumnEvent("onDiscard")}>
              {cellText(setting("discardActionLabel")) || "Discard"}
            </button>
          )}
        </span>
      );
    }
    case "image": {
      const size = cellText(setting("imageSize"));
      return typeof value === "string" && (SAFE_URL.test(value) || value.startsWith("data:image/")) ? (
        <img className="lc-table__image" src={value} alt="" style={{ height: IMAGE_SIZES[size] ?? (size || undefined) }} />
      ) : (
        <span>{cellText(value)}</span>
      );
    }
    case "video": {
      const src = cellText(value);
      if (!SAFE_URL.test(src)) return <span>{src}</span>;
      return VIDEO_FILE.test(src) ? (
        <video className="lc-table__video" src={src} controls preload="none" onClick={(e) => e.stopPropagation()} />
      ) : (
        <a href={src} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
          ▶ {src}
        </a>
      );
    }
    case "url": {
      const href = cellText(value);
      return SAFE_URL.test(href) ? (
        <a
          href={href}
          target="_blank"
          rel="noopener noreferrer"
          {...edit}
          onClick={(e) => {
            e.stopPropagation();
            if (column.config.onClick) props.onColumnEvent("onClick");
          }}
        >
          {cellText(setting("displayText")) || href}
        </a>
      ) : (
        <span {...edit}>{href}</span>
      );
    }
    case "checkbox":
    case "switch": {
      const canEdit = props.editable;
      return (
        <input
          type="checkbox"
          role={column.type === "switch" ? "switch" : undefined}
          className={column.type === "switch" ? "lc-table__switch" : undefined}
          checked={value === true}
          readOnly={!canEdit}
          disabled={disabled}
          aria-label={column.label}
          onClick={(e) => {
            e.stopPropagation();
            if (!canEdit) e.preventDefault();
          }}
          onChange={(e) => {
            if (canEdit) props.onEdit(e.target.checked, "onCheckChange");
          }}
        />
      );
    }
    case "dropdown":
    case "select": {
      const options = optionsOf(column.type === "dropdown" && column.config["selectOptions"] === undefined ? setting("dropdownOptions") : setting("selectOptions"));
      const chosen = options.find((o) => o.value === value);
      if (props.editable) {
        const at = options.indexOf(chosen as Option);
        return (
          <select
            className="lc-table__select"
            aria-label={column.label}
            value={at >= 0 ? String(at) : ""}
            onClick={(e) => e.stopPropagation()}
            onChange={(e) => {
              const option = options[Number(e.target.value)];
              if (option) props.onEdit(option.value, "onOptionChange");
            }}
          >
            <option value="" disabled>
              {cellText(column.config["placeholderText"]) || "Select"}
            </option>
            {options.map((o, i) => (
              <option key={i} value={String(i)}>
                {cellText(o.label)}
              </option>
            ))}
          </select>
        );
      }
      return <span className={editedClass}>{chosen ? cellText(chosen.label) : cellText(value)}</span>;
    }
    case "date":
      return (
        <span {...edit} className={editedClass}>
          {dateText(value, column.config.inputFormat, column.config.outputFormat)}
        </span>
      );
    case "html":
      return <span dangerouslySetInnerHTML={{ __html: sanitizeHtml(cellText(value)) }} />;
    case "currency":
      return (
        <span {...edit} className={editedClass}>
          {currencyText(value, setting("currencyCode"), setting("decimals"), setting("thousandSeparator"))}
        </span>
      );
    default:
      return (
        <span {...edit} className={editedClass}>
          {cellText(value)}
        </span>
      );
  }
}
