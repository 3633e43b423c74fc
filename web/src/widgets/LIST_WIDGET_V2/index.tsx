/** LIST_WIDGET_V2: repeats its template for each item of its data (the template is its children). */
import { arr, type WidgetProps } from "../types";

export default function List({ values, children, onMeta, onEvent }: WidgetProps) {
  const items = arr(values["listData"]);
  return (
    <div className="lc-list" style={{ gap: `${String(values["itemSpacing"] ?? 8)}px` }}>
      {items.map((_, i) => (
        <div
          key={i}
          className="lc-list__item"
          onClick={() => {
            onMeta({ selectedItemIndex: i });
            onEvent("onItemClick");
          }}
        >
          {i === 0 ? children : null}
        </div>
      ))}
    </div>
  );
}
