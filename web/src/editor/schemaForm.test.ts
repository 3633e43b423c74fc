import { describe, expect, it } from "vitest";

import { defaultsOf, formFields, getPath, setPath } from "./schemaForm";

const postgres = {
  properties: {
    host: { default: "127.0.0.1", title: "Host", type: "string" },
    port: { default: 5432, maximum: 65535, minimum: 1, title: "Port", type: "integer" },
    password: { default: "", format: "password", secret: true, title: "Password", type: "string", writeOnly: true },
    sslmode: { default: "prefer", enum: ["disable", "prefer", "require"], title: "Sslmode", type: "string" },
  },
  required: ["host"],
  type: "object",
};

const rest = {
  $defs: {
    HttpAuth: { properties: { type: { default: "none", enum: ["none", "bearer"], type: "string" }, token: { default: "", secret: true, type: "string" } }, type: "object" },
    KeyValue: { properties: { key: { type: "string" }, value: { default: "", type: "string" } }, required: ["key"], type: "object" },
  },
  properties: {
    auth: { $ref: "#/$defs/HttpAuth" },
    headers: { items: { $ref: "#/$defs/KeyValue" }, type: "array", default: [] },
    timeout: { anyOf: [{ type: "integer" }, { type: "null" }], default: null },
  },
  type: "object",
};

describe("forms from connector schemas", () => {
  it("choose a field kind from each property", () => {
    expect(formFields(postgres).map((f) => [f.path, f.kind])).toEqual([
      ["host", "text"],
      ["port", "number"],
      ["password", "password"],
      ["sslmode", "select"],
    ]);
    expect(formFields(postgres)[0]?.required).toBe(true);
  });

  it("follow references into nested groups and lists of key/value pairs", () => {
    const fields = formFields(rest);
    expect(fields.map((f) => [f.path, f.kind])).toEqual([
      ["auth", "group"],
      ["headers", "list"],
      ["timeout", "number"],
    ]);
    expect(fields[0]?.fields.map((f) => [f.path, f.kind])).toEqual([
      ["auth.type", "select"],
      ["auth.token", "password"],
    ]);
    expect(fields[1]?.itemFields.map((f) => f.key)).toEqual(["key", "value"]);
  });

  it("start a config from the schema's defaults", () => {
    expect(defaultsOf(formFields(postgres))).toEqual({ host: "127.0.0.1", port: 5432, password: "", sslmode: "prefer" });
    expect(defaultsOf(formFields(rest))).toEqual({ auth: { type: "none", token: "" }, headers: [] });
  });

  it("read and write values at dotted paths without changing the original", () => {
    const config = { auth: { type: "none" } };
    const next = setPath(config, "auth.token", "t");
    expect(getPath(next, "auth.token")).toBe("t");
    expect(getPath(config, "auth.token")).toBeUndefined();
  });
});
