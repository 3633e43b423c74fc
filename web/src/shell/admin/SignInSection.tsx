/**
 * Admin › Sign-in: the password switch and the sign-in providers (add, change, turn off, remove).
 * Each kind's form comes from the settings it declares (`kindFields`); secrets are write-only:
 * the page shows which are set and sends one only when typed. Providers set by the environment
 * (`LOWCRAFT_SIGN_IN_PROVIDERS`) are shown read-only.
 */
import { useState } from "react";

import {
  ROLE_LABELS,
  ROLES,
  signInAdmin,
  workspaces as workspaceApi,
  type MappingRule,
  type Role,
  type SignInProvider,
  type SignInProviderKind,
} from "../../api/resources";
import { useConfirm } from "../../ui/ConfirmDialog";
import { ErrorNote, Loading } from "../Notice";
import { useOperation, useResource } from "../useResource";
import { kindFields, settingsToSend } from "./kindFields";

export function SignInSection() {
  const admin = useResource(() => signInAdmin.get(), []);
  const op = useOperation();
  const { confirm, dialog } = useConfirm();
  const [editing, setEditing] = useState<SignInProvider | "new" | null>(null);
  if (admin.error) return <ErrorNote message={admin.error.message} onRetry={admin.reload} />;
  if (!admin.data) return <Loading what="sign-in settings" />;
  const { settings, providers, kinds } = admin.data;
  const done = () => {
    setEditing(null);
    admin.reload();
  };
  return (
    <div aria-label="Sign-in">
      <h2>Password login</h2>
      <label className="lc-form-field lc-form-field--check">
        <input
          type="checkbox"
          name="password-login"
          checked={settings.passwordLogin}
          disabled={settings.passwordLoginFromEnvironment || op.pending}
          onChange={(e) => void op.run(() => signInAdmin.setPasswordLogin(e.target.checked)).then(() => admin.reload())}
        />
        <span>
          People may log in with a password
          {settings.passwordLoginFromEnvironment ? " (set by LOWCRAFT_PASSWORD_LOGIN)" : ""}
        </span>
      </label>
      <p className="lc-muted">Instance administrators can always log in with their password, so a broken provider never locks the instance.</p>
      <ErrorNote message={op.error} />

      <h2>Providers</h2>
      {providers.length === 0 && <p className="lc-empty">No sign-in providers yet.</p>}
      <ul className="lc-rows" aria-label="Sign-in providers">
        {providers.map((p) => (
          <li key={p.id} className="lc-row" data-provider={p.slug}>
            <span className="lc-row__main">
              <strong>{p.name}</strong> <span className="lc-muted">{kinds.find((k) => k.kind === p.kind)?.label ?? p.kind}</span>
              {p.managedBy === "environment" && <span className="lc-muted"> · set by the environment</span>}
            </span>
            <span className="lc-muted">{p.enabled ? "on" : "off"}</span>
            {p.managedBy === "admin" && (
              <>
                <button type="button" onClick={() => void op.run(() => signInAdmin.update(p.id, { enabled: !p.enabled })).then(() => admin.reload())}>
                  {p.enabled ? "Turn off" : "Turn on"}
                </button>
                <button type="button" onClick={() => setEditing(p)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="lc-danger-text"
                  onClick={async () => {
                    if (await confirm({ title: `Remove ${p.name}?`, message: "Accounts linked through it are unlinked; people who only log in with it lose access.", confirmLabel: "Remove", danger: true })) {
                      void op.run(() => signInAdmin.remove(p.id)).then(() => admin.reload());
                    }
                  }}
                >
                  Remove
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {editing === null ? (
        <button type="button" className="lc-primary" onClick={() => setEditing("new")}>
          Add a provider
        </button>
      ) : (
        <ProviderForm key={editing === "new" ? "new" : editing.id} provider={editing === "new" ? null : editing} kinds={kinds} onDone={done} onCancel={() => setEditing(null)} />
      )}
      {dialog}
    </div>
  );
}

function ProviderForm(props: { provider: SignInProvider | null; kinds: readonly SignInProviderKind[]; onDone(): void; onCancel(): void }) {
  const existing = props.provider;
  const [kindName, setKindName] = useState(existing?.kind ?? (props.kinds.some((k) => k.kind === "oidc") ? "oidc" : props.kinds[0]?.kind) ?? "oidc");
  const kind = props.kinds.find((k) => k.kind === kindName);
  const fields = kind ? kindFields(kind.settingsSchema, kind.secretFields) : [];
  const [slug, setSlug] = useState(existing?.slug ?? "");
  const [name, setName] = useState(existing?.name ?? "");
  const [createAccounts, setCreateAccounts] = useState(existing?.createAccounts ?? true);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => {
    const stored = (existing?.settings ?? {}) as Record<string, unknown>;
    const initial: Record<string, string | boolean> = {};
    for (const field of kind ? kindFields(kind.settingsSchema, kind.secretFields) : []) {
      const value = stored[field.name] ?? field.defaultValue;
      if (typeof value === "boolean") initial[field.name] = value;
      else if (value !== undefined && value !== null) initial[field.name] = String(value);
    }
    return initial;
  });
  const [rules, setRules] = useState<MappingRule[]>(() => [...(existing?.roleMapping ?? [])]);
  const workspaceList = useResource(() => workspaceApi.list(), []);
  const op = useOperation();

  const submit = () =>
    op.run(async () => {
      const settings = settingsToSend(fields, values);
      if (existing) await signInAdmin.update(existing.id, { name, settings, createAccounts, roleMapping: rules });
      else await signInAdmin.create({ slug, kind: kindName, name, enabled: true, settings, createAccounts, roleMapping: rules });
    });

  return (
    <form
      className="lc-provider-form"
      aria-label={existing ? `Edit ${existing.name}` : "New provider"}
      onSubmit={(e) => {
        e.preventDefault();
        void submit().then((ok) => ok && props.onDone());
      }}
    >
      <h3>{existing ? `Edit ${existing.name}` : "New provider"}</h3>
      {!existing && (
        <label className="lc-form-field">
          <span>Kind</span>
          <select name="kind" value={kindName} onChange={(e) => setKindName(e.target.value)}>
            {props.kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="lc-form-field">
        <span>Name on the login button</span>
        <input name="provider-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="Okta" />
      </label>
      {!existing && (
        <label className="lc-form-field">
          <span>Short name (in addresses)</span>
          <input name="provider-slug" value={slug} onChange={(e) => setSlug(e.target.value)} required maxLength={60} pattern="[a-z0-9-]+" placeholder="okta" />
        </label>
      )}
      {existing && (
        <p className="lc-muted">
          {existing.kind === "saml" ? "Assertion consumer service" : "Redirect URI to register at the provider"}: <code>{existing.callbackUrl}</code>
          {existing.kind === "saml" && (
            <>
              {" "}
              · SP metadata (and entity ID): <code>{existing.callbackUrl.replace(/\/acs$/, "/metadata")}</code>
            </>
          )}
        </p>
      )}
      {fields.map((field) =>
        field.input === "checkbox" ? (
          <label key={field.name} className="lc-form-field lc-form-field--check">
            <input type="checkbox" name={field.name} checked={values[field.name] === true} onChange={(e) => setValues({ ...values, [field.name]: e.target.checked })} />
            <span title={field.description}>{field.label}</span>
          </label>
        ) : field.input === "longText" ? (
          <label key={field.name} className="lc-form-field">
            <span title={field.description}>{field.label}</span>
            <textarea
              name={field.name}
              rows={6}
              value={typeof values[field.name] === "string" ? (values[field.name] as string) : ""}
              onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
            />
          </label>
        ) : (
          <label key={field.name} className="lc-form-field">
            <span title={field.description}>
              {field.label}
              {field.input === "secret" && existing?.secretsSet.includes(field.name) ? " (set; type to replace)" : ""}
            </span>
            <input
              name={field.name}
              type={field.input === "secret" ? "password" : field.input === "number" ? "number" : "text"}
              autoComplete={field.input === "secret" ? "new-password" : "off"}
              value={typeof values[field.name] === "string" ? (values[field.name] as string) : ""}
              required={field.required}
              onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
            />
          </label>
        ),
      )}
      <label className="lc-form-field lc-form-field--check">
        <input type="checkbox" name="create-accounts" checked={createAccounts} onChange={(e) => setCreateAccounts(e.target.checked)} />
        <span>Make accounts for new people when they first sign in</span>
      </label>
      <fieldset className="lc-provider-form">
        <legend>Roles from the provider's claims (applied at every sign-in)</legend>
        {rules.map((rule, index) => (
          <div key={index} className="lc-rule" data-rule={index}>
            <label className="lc-form-field">
              <span>Claim</span>
              <input value={rule.claim} onChange={(e) => setRules(rules.map((r, i) => (i === index ? { ...r, claim: e.target.value } : r)))} required placeholder="groups" />
            </label>
            <label className="lc-form-field">
              <span>Value</span>
              <input value={rule.value} onChange={(e) => setRules(rules.map((r, i) => (i === index ? { ...r, value: e.target.value } : r)))} required placeholder="engineering" />
            </label>
            <label className="lc-form-field">
              <span>Workspace</span>
              <select value={rule.workspaceId} onChange={(e) => setRules(rules.map((r, i) => (i === index ? { ...r, workspaceId: e.target.value } : r)))} required>
                <option value="">Choose…</option>
                {workspaceList.data?.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="lc-form-field">
              <span>Role</span>
              <select value={rule.role} onChange={(e) => setRules(rules.map((r, i) => (i === index ? { ...r, role: e.target.value as Role } : r)))}>
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {ROLE_LABELS[role]}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="lc-danger-text" onClick={() => setRules(rules.filter((_, i) => i !== index))}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setRules([...rules, { claim: "groups", value: "", workspaceId: "", role: "viewer" }])}>
          Add a rule
        </button>
      </fieldset>
      <ErrorNote message={op.error} />
      <div className="lc-inline-form">
        <button type="submit" className="lc-primary" disabled={op.pending}>
          {existing ? "Save" : "Add provider"}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
