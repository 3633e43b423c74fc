/** DIVIDER_WIDGET: a horizontal or vertical line. */
import { num, str, type WidgetProps } from "../types";

export default function Divider({ values }: WidgetProps) {
  const vertical = values["orientation"] === "vertical";
  const border = `${num(values["thickness"], 1)}px ${str(values["strokeStyle"], "solid")} ${str(values["dividerColor"], "#ccc")}`;
  return <hr className="lc-divider" aria-orientation={vertical ? "vertical" : "horizontal"} style={vertical ? { borderLeft: border, height: "100%" } : { borderTop: border }} />;
}
