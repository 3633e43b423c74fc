import { describe, expect, test } from "vitest";

import { kindFields, settingsToSend } from "./kindFields";

// The shape pydantic gives the OpenID Connect kind's settings (abridged).
const OIDC = {
  properties: {
    discoveryUrl: { type: "string", description: "The provider's discovery document." },
    clientId: { type: "string" },
    clientSecret: { anyOf: [{ type: "string" }, { type: "null" }], default: null },
    usePkce: { type: "boolean", default: true },
    clockSkewSeconds: { type: "integer", default: 60 },
  },
  required: ["discoveryUrl", "clientId"],
};

describe("a provider kind's form", () => {
  test("comes from the kind's declared settings, secrets as password fields", () => {
    const fields = kindFields(OIDC, ["clientSecret"]);
    expect(fields.map((f) => [f.name, f.label, f.input, f.required])).toEqual([
      ["discoveryUrl", "Discovery URL", "text", true],
      ["clientId", "Client ID", "text", true],
      ["clientSecret", "Client secret", "secret", false],
      ["usePkce", "Use PKCE", "checkbox", false],
      ["clockSkewSeconds", "Clock skew seconds", "number", false],
    ]);
    expect(fields.find((f) => f.name === "usePkce")?.defaultValue).toBe(true);
  });

  test("sends numbers as numbers and leaves an untouched secret out (the server keeps it)", () => {
    const fields = kindFields(OIDC, ["clientSecret"]);
    expect(settingsToSend(fields, { discoveryUrl: "https://idp", clientId: "c", clientSecret: "", usePkce: false, clockSkewSeconds: "30" })).toEqual({
      discoveryUrl: "https://idp",
      clientId: "c",
      usePkce: false,
      clockSkewSeconds: 30,
    });
  });
});

test("a SAML metadata document gets a multi-line field", () => {
  const saml = { properties: { idpMetadataXml: { anyOf: [{ type: "string", maxLength: 200000 }, { type: "null" }] }, idpMetadataUrl: { anyOf: [{ type: "string", maxLength: 2000 }, { type: "null" }] } } };
  expect(kindFields(saml, []).map((f) => [f.label, f.input])).toEqual([
    ["IdP metadata XML", "longText"],
    ["IdP metadata URL", "text"],
  ]);
});
