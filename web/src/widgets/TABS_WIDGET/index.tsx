/**
 * TABS_WIDGET: tab headers and the canvas of the selected tab (the canvases are its children,
 * matched to tabs by `widgetId`, else by position). Hidden tabs are left out; `selectedTab` holds
 * the label, `onTabSelected` runs on a change; arrow keys move between tabs.
 */
import { Children, isValidElement, type ReactElement } from "react";

import { boxStyle, num, str, type WidgetProps } from "../types";

export interface Tab {
  readonly id?: string;
  readonly label?: string;
  readonly widgetId?: string;
  readonly isVisible?: boolean;
  readonly index?: number;
}

/** The tabs in their order, with the position of each among all tabs (for matching canvases). */
export function orderedTabs(tabsObj: unknown): { tab: Tab; position: number }[] {
  const all = Object.values((typeof tabsObj === "object" && tabsObj !== null ? tabsObj : {}) as Record<string, Tab>);
  return all
    .map((tab, i) => ({ tab, position: i }))
    .sort((a, b) => num(a.tab.index, a.position) - num(b.tab.index, b.position))
    .map((t, position) => ({ tab: t.tab, position }));
}

export default function Tabs({ name, values, children, onMeta, onEvent }: WidgetProps) {
  const all = orderedTabs(values["tabsObj"]);
  const tabs = all.filter((t) => t.tab.isVisible !== false);
  const selectedLabel = str(values["selectedTab"]);
  const current = tabs.find((t) => t.tab.label === selectedLabel) ?? tabs[0];
  const canvases = Children.toArray(children).filter(isValidElement) as ReactElement[];
  const canvas = current ? (canvases.find((c) => current.tab.widgetId && String(c.key).endsWith(current.tab.widgetId)) ?? canvases[current.position]) : undefined;
  const choose = (tab: Tab) => {
    if (tab.label === current?.tab.label) return;
    onMeta({ selectedTab: tab.label ?? "" });
    onEvent("onTabSelected");
  };
  const tabId = (t: Tab) => `${name}-tab-${t.id ?? t.label ?? ""}`;
  return (
    <div className="lc-tabs" style={{ ...boxStyle(values), background: str(values["backgroundColor"]) || undefined, border: `${num(values["borderWidth"], 1)}px solid ${str(values["borderColor"], "#E0DEDE")}` }}>
      {values["shouldShowTabs"] !== false && (
        <div role="tablist" aria-label={name}>
          {tabs.map(({ tab }, i) => {
            const selected = tab === current?.tab;
            return (
              <button
                key={tab.id ?? i}
                id={tabId(tab)}
                type="button"
                role="tab"
                aria-selected={selected}
                tabIndex={selected ? 0 : -1}
                style={selected ? { borderBottomColor: str(values["accentColor"]) || "var(--lc-primary)" } : undefined}
                onClick={() => choose(tab)}
                onKeyDown={(e) => {
                  const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
                  if (step === 0) return;
                  const to = (i + step + tabs.length) % tabs.length;
                  const next = tabs[to];
                  if (next) choose(next.tab);
                  (e.currentTarget.parentElement?.children[to] as HTMLElement | undefined)?.focus();
                }}
              >
                {tab.label}
              </button>
            );
          })}
        </div>
      )}
      <div role="tabpanel" aria-labelledby={current ? tabId(current.tab) : undefined} style={{ overflowY: values["shouldScrollContents"] === true ? "auto" : undefined }}>
        {canvas ?? null}
      </div>
    </div>
  );
}
