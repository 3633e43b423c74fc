/**
 * The form of a sign-in provider kind's settings, from the JSON Schema the server declares for
 * the kind (`settingsSchema`): the kind's one declaration drives the admin form too.
 */
export interface KindField {
  readonly name: string;
  readonly label: string;
  readonly input: "text" | "longText" | "secret" | "checkbox" | "number";
  readonly required: boolean;
  readonly defaultValue: string | boolean | number | undefined;
  readonly description: string | undefined;
}

interface PropertySchema {
  type?: string;
  maxLength?: number;
  anyOf?: { type?: string; maxLength?: number }[];
  default?: unknown;
  description?: string;
  title?: string;
}

const words = (name: string): string => {
  const spaced = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return (spaced.charAt(0).toUpperCase() + spaced.slice(1))
    .replace(/\burl\b/g, "URL")
    .replace(/\bid\b/g, "ID")
    .replace(/\b[Ii]dp\b/g, "IdP")
    .replace(/\bxml\b/g, "XML")
    .replace(/\bpkce\b/g, "PKCE");
};

/** Texts allowed to be longer than this (a SAML metadata document) get a multi-line field. */
const LONG_TEXT = 10_000;

export function kindFields(schema: Record<string, unknown>, secretFields: readonly string[]): KindField[] {
  const properties = (schema.properties ?? {}) as Record<string, PropertySchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const type = property.type ?? property.anyOf?.map((t) => t.type).find((t) => t !== "null");
    const maxLength = property.maxLength ?? property.anyOf?.find((t) => t.maxLength !== undefined)?.maxLength ?? 0;
    const input = secretFields.includes(name)
      ? "secret"
      : type === "boolean"
        ? "checkbox"
        : type === "integer" || type === "number"
          ? "number"
          : maxLength > LONG_TEXT
            ? "longText"
            : "text";
    const fallback = property.default;
    return {
      name,
      label: words(name),
      input,
      required: required.has(name),
      defaultValue: typeof fallback === "string" || typeof fallback === "boolean" || typeof fallback === "number" ? fallback : undefined,
      description: property.description,
    };
  });
}

/** The settings to send: numbers as numbers, empty optional texts and untouched secrets left out. */
export function settingsToSend(fields: readonly KindField[], values: Record<string, string | boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (field.input === "checkbox") out[field.name] = value === true;
    else if (typeof value === "string" && value.trim() === "") continue;
    else if (field.input === "number") out[field.name] = Number(value);
    else out[field.name] = value;
  }
  return out;
}
