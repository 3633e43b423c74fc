/** TABS_WIDGET: tab headers; the canvas of the selected tab is shown (the canvases are its children). */
import { Children, isValidElement } from "react";

import { str, type WidgetProps } from "../types";

interface Tab {
  label?: string;
  id?: string;
}

export default function Tabs({ values, children, onMeta, onEvent }: WidgetProps) {
  const tabs = Object.values((values["tabsObj"] ?? {}) as Record<string, Tab>);
  const selected = str(values["selectedTab"]);
  const index = Math.max(0, tabs.findIndex((t) => t.label === selected));
  return (
    <div className="lc-tabs">
      <div role="tablist">
        {tabs.map((t, i) => (
          <button
            key={t.id ?? i}
            type="button"
            role="tab"
            aria-selected={i === index}
            onClick={() => {
              onMeta({ selectedTab: t.label ?? "" });
              onEvent("onTabSelected");
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">{Children.toArray(children).filter(isValidElement)[index] ?? null}</div>
    </div>
  );
}
