/**
 * Files a user picked, checked against the widget's rules (type, size, count) and read into what
 * queries send: a base64 data URL, text, or a binary string, per `fileDataType`. No DOM needed:
 * Blob's own readers work in the browser and in tests alike.
 */
export interface PickedFile {
  readonly name: string;
  readonly type: string;
  readonly size: number;
}

/** One entry of `selectedFiles` / `files`, as bindings read it (`FilePicker1.files[0].data`). */
export interface SelectedFile extends PickedFile {
  readonly id: string;
  readonly data: string;
  readonly dataFormat: DataFormat;
}

export type DataFormat = "Base64" | "Text" | "Binary";

export interface FileRules {
  /** Megabytes; 0 or less means no limit. */
  readonly maxFileSize: number;
  readonly maxNumFiles: number;
  /** `.csv`, `image/*`, `application/pdf` or `*`; empty means any type. */
  readonly allowedFileTypes: readonly string[];
}

export interface Rejected {
  readonly name: string;
  readonly reason: string;
}

export const dataFormatOf = (v: unknown): DataFormat => (v === "Text" || v === "Binary" ? v : "Base64");

export function rulesOf(values: Readonly<Record<string, unknown>>): FileRules {
  const n = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
  const types = Array.isArray(values["allowedFileTypes"]) ? values["allowedFileTypes"].filter((t): t is string => typeof t === "string" && t.trim() !== "") : [];
  return { maxFileSize: n(values["maxFileSize"], 5), maxNumFiles: Math.max(1, Math.floor(n(values["maxNumFiles"], 1))), allowedFileTypes: types.map((t) => t.trim().toLowerCase()) };
}

/** Whether a file's name or MIME type matches one of the allowed patterns. */
export function typeAllowed(file: PickedFile, allowed: readonly string[]): boolean {
  if (allowed.length === 0 || allowed.includes("*") || allowed.includes("*/*")) return true;
  const name = file.name.toLowerCase();
  const mime = file.type.toLowerCase();
  return allowed.some((pattern) => {
    if (pattern.startsWith(".")) return name.endsWith(pattern);
    if (pattern.endsWith("/*")) return mime.startsWith(pattern.slice(0, -1));
    return mime === pattern;
  });
}

const megabytes = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Which of the newly picked files join the selection: each must have an allowed type and size,
 * and the selection holds at most `maxNumFiles` (with one allowed, a new pick replaces the old).
 */
export function admit<T extends PickedFile>(alreadySelected: number, picked: readonly T[], rules: FileRules): { accepted: T[]; rejected: Rejected[]; replace: boolean } {
  const replace = rules.maxNumFiles === 1;
  let room = replace ? 1 : Math.max(0, rules.maxNumFiles - alreadySelected);
  const accepted: T[] = [];
  const rejected: Rejected[] = [];
  for (const file of picked) {
    if (!typeAllowed(file, rules.allowedFileTypes)) rejected.push({ name: file.name, reason: `${file.name}: only ${rules.allowedFileTypes.join(", ")} files are allowed` });
    else if (rules.maxFileSize > 0 && file.size > rules.maxFileSize * 1024 * 1024) rejected.push({ name: file.name, reason: `${file.name} is ${megabytes(file.size)}; the limit is ${rules.maxFileSize} MB` });
    else if (room === 0) rejected.push({ name: file.name, reason: `${file.name}: at most ${rules.maxNumFiles} ${rules.maxNumFiles === 1 ? "file" : "files"}` });
    else {
      accepted.push(file);
      room -= 1;
    }
  }
  return { accepted, rejected, replace };
}

function base64Of(bytes: Uint8Array): string {
  let binary = "";
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

let counter = 0;

/** Reads a picked file into a `files` entry. */
export async function readFile(file: Blob & { readonly name: string }, format: DataFormat): Promise<SelectedFile> {
  const meta = { id: `file-${Date.now().toString(36)}-${(counter += 1)}`, name: file.name, type: file.type, size: file.size, dataFormat: format };
  if (format === "Text") return { ...meta, data: await file.text() };
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (format === "Binary") {
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { ...meta, data: binary };
  }
  return { ...meta, data: `data:${file.type || "application/octet-stream"};base64,${base64Of(bytes)}` };
}
