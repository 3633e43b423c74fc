/** App settings: name, icon, navigation, theme, public access, default page, embedding. */
import { useState } from "react";

import type { PageSummary } from "../api/resources";
import { FontPicker } from "./Pickers";
import { editorApi, messageOf, type AppDetail } from "./editorApi";

export default function AppSettings(props: { app: AppDetail; pages: readonly PageSummary[]; onSaved(app: AppDetail): void }) {
  const { app } = props;
  const [name, setName] = useState(app.name);
  const [icon, setIcon] = useState(app.icon ?? "");
  const [navigation, setNavigation] = useState(app.settings.navigation ?? "top");
  const [isPublic, setPublic] = useState(app.isPublic);
  const [defaultPage, setDefaultPage] = useState(props.pages.find((p) => p.isDefault)?.id ?? "");
  const [ancestors, setAncestors] = useState((app.settings.frameAncestors ?? []).join("\n"));
  const [theme, setTheme] = useState<Record<string, string>>({ primaryColor: "#553DE9", backgroundColor: "#F8FAFC", borderRadius: "6px", fontFamily: "system-ui", ...app.theme });
  const [status, setStatus] = useState<string | null>(null);
  const save = async () => {
    setStatus("Saving…");
    try {
      const saved = await editorApi.updateApplication(app.id, {
        name,
        icon: icon || null,
        theme,
        isPublic,
        settings: { navigation, frameAncestors: ancestors.split(/\s+/).filter(Boolean), ...(defaultPage ? { defaultPage } : {}) },
      });
      if (defaultPage && !props.pages.find((p) => p.id === defaultPage)?.isDefault) await editorApi.setDefaultPage(defaultPage);
      props.onSaved(saved);
      setStatus("Saved");
    } catch (e) {
      setStatus(`Not saved: ${messageOf(e)}`);
    }
  };
  return (
    <div className="lc-ed-doc lc-ed-form" aria-label="App settings">
      <h2>App settings</h2>
      <label>
        Name <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Icon <input value={icon} onChange={(e) => setIcon(e.target.value)} placeholder="table" />
      </label>
      <label>
        Navigation
        <select value={navigation} onChange={(e) => setNavigation(e.target.value as "top" | "side")}>
          <option value="top">Top bar</option>
          <option value="side">Side bar</option>
        </select>
      </label>
      <label>
        Home page
        <select value={defaultPage} onChange={(e) => setDefaultPage(e.target.value)}>
          {props.pages.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Theme</legend>
        {(["primaryColor", "backgroundColor"] as const).map((k) => (
          <label key={k}>
            {k === "primaryColor" ? "Primary colour" : "Background colour"}
            <input type="color" value={theme[k] ?? "#000000"} onChange={(e) => setTheme({ ...theme, [k]: e.target.value })} />
          </label>
        ))}
        <label>
          Corner radius <input value={theme["borderRadius"] ?? ""} onChange={(e) => setTheme({ ...theme, borderRadius: e.target.value })} />
        </label>
        <label>
          Font <FontPicker value={theme["fontFamily"] ?? ""} onChange={(fontFamily) => setTheme({ ...theme, fontFamily })} />
        </label>
      </fieldset>
      <label className="lc-ed-form__check">
        <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} /> Anyone with the link can use the published app (no login)
      </label>
      <label>
        Allowed to embed this app (one origin per line, e.g. https://intranet.example.com)
        <textarea value={ancestors} onChange={(e) => setAncestors(e.target.value)} />
      </label>
      <div className="lc-ed-actions">
        <button type="button" className="lc-ed-primary" onClick={() => void save()}>
          Save settings
        </button>
        {status && <span role="status">{status}</span>}
      </div>
    </div>
  );
}
