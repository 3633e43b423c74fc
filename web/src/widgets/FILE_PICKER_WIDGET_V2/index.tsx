/**
 * FILE_PICKER_WIDGET_V2: files read in the browser into `files` (base64 data URL, text or binary
 * string per `fileDataType`, with name, type and size) for queries to send. Files of a type not
 * allowed or over `maxFileSize` are refused with a message; the selection holds `maxNumFiles`.
 */
import { useState } from "react";

import { arr, boxStyle, str, type WidgetProps } from "../types";
import { admit, dataFormatOf, readFile, rulesOf, type SelectedFile } from "./files";

export default function FilePicker({ name, values, onMeta, onEvent }: WidgetProps) {
  const [problems, setProblems] = useState<string[]>([]);
  const rules = rulesOf(values);
  const selected = arr(values["selectedFiles"]) as SelectedFile[];
  const disabled = values["isDisabled"] === true;
  const pick = async (list: FileList | null) => {
    const picked = [...(list ?? [])];
    if (picked.length === 0) return;
    const { accepted, rejected, replace } = admit(selected.length, picked, rules);
    setProblems(rejected.map((r) => r.reason));
    if (accepted.length === 0) return;
    const read = await Promise.all(accepted.map((f) => readFile(f, dataFormatOf(values["fileDataType"]))));
    onMeta({ selectedFiles: replace ? read : [...selected, ...read], isDirty: true });
    onEvent("onFilesSelected");
  };
  return (
    <div className="lc-file">
      <label className="lc-button lc-file__button" style={{ ...boxStyle(values), background: str(values["buttonColor"]) || "var(--lc-primary)" }} aria-disabled={disabled}>
        {selected.length > 0 ? `${selected.length} ${selected.length === 1 ? "file" : "files"} selected` : str(values["label"], "Select files")}
        <input
          type="file"
          className="lc-file__input"
          aria-label={str(values["label"], "Select files")}
          multiple={rules.maxNumFiles > 1}
          accept={rules.allowedFileTypes.length > 0 && !rules.allowedFileTypes.includes("*") ? rules.allowedFileTypes.join(",") : undefined}
          required={values["isRequired"] === true}
          disabled={disabled}
          onChange={(e) => {
            const input = e.currentTarget;
            void pick(input.files).finally(() => {
              input.value = ""; // picking the same file again must fire a change
            });
          }}
        />
      </label>
      {selected.length > 0 && (
        <ul className="lc-file__list" aria-label={`${name} files`}>
          {selected.map((f) => (
            <li key={f.id}>
              <span>{f.name}</span>
              <button
                type="button"
                aria-label={`Remove ${f.name}`}
                disabled={disabled}
                onClick={() => {
                  onMeta({ selectedFiles: selected.filter((s) => s.id !== f.id), isDirty: true });
                  setProblems([]);
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {problems.length > 0 && (
        <p className="lc-field__error" role="alert">
          {problems.join(". ")}
        </p>
      )}
    </div>
  );
}
