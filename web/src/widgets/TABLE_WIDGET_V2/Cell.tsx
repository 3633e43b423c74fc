/** One table cell, shown by its column type; an editable cell turns into an input on double click. */
import { useState } from "react";

import { sanitizeHtml } from "../html";
import { cellText, type Column } from "./columns";

const SAFE_URL = /^(https?:|mailto:|tel:|\/)/i;

export function Cell(props: {
  column: Column;
  value: unknown;
  edited: boolean;
  /** Run a handler of the column (`onClick` of a button, `onSave`/`onDiscard` of edit actions). */
  onColumnEvent(event: "onClick" | "onSave" | "onDiscard"): void;
  /** The row has unsaved edits (edit-action buttons are enabled). */
  rowEdited: boolean;
  onEdit(value: unknown): void;
}) {
  const { column, value } = props;
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <input
        className="lc-table__editor"
        aria-label={`Edit ${column.label}`}
        autoFocus
        type={column.type === "number" || column.type === "currency" ? "number" : "text"}
        defaultValue={cellText(value)}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "Escape") setEditing(false);
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        }}
        onBlur={(e) => {
          setEditing(false);
          const text = e.target.value;
          const next = column.type === "number" || column.type === "currency" ? (text.trim() === "" ? null : Number(text)) : text;
          if (cellText(next) !== cellText(value)) props.onEdit(next);
        }}
      />
    );
  }
  const editable = column.editable ? { onDoubleClick: () => setEditing(true), title: "Double-click to edit" } : {};
  switch (column.type) {
    case "button":
      return (
        <button
          type="button"
          className="lc-table__button"
          style={{ background: column.config.buttonColor || "var(--lc-primary)" }}
          onClick={(e) => {
            e.stopPropagation();
            props.onColumnEvent("onClick");
          }}
        >
          {column.config.buttonLabel || cellText(value) || "Action"}
        </button>
      );
    case "editActions":
      return (
        <span className="lc-table__edit-actions" onClick={(e) => e.stopPropagation()}>
          <button type="button" className="lc-table__button" style={{ background: "var(--lc-primary)" }} disabled={!props.rowEdited} onClick={() => props.onColumnEvent("onSave")}>
            Save
          </button>
          <button type="button" className="lc-table__tool" disabled={!props.rowEdited} onClick={() => props.onColumnEvent("onDiscard")}>
            Discard
          </button>
        </span>
      );
    case "image":
      return typeof value === "string" && SAFE_URL.test(value) ? <img className="lc-table__image" src={value} alt="" /> : <span>{cellText(value)}</span>;
    case "url": {
      const href = cellText(value);
      return SAFE_URL.test(href) ? (
        <a href={href} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
          {column.config.displayText || href}
        </a>
      ) : (
        <span>{href}</span>
      );
    }
    case "checkbox":
    case "switch":
      return <input type="checkbox" checked={value === true} readOnly aria-label={column.label} onClick={(e) => e.preventDefault()} />;
    case "html":
      return <span dangerouslySetInnerHTML={{ __html: sanitizeHtml(cellText(value)) }} />;
    case "currency":
      return <span {...editable}>{typeof value === "number" ? value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : cellText(value)}</span>;
    default:
      return (
        <span {...editable} className={props.edited ? "lc-table__edited" : undefined}>
          {cellText(value)}
        </span>
      );
  }
}
