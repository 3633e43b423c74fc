/** IMAGE_WIDGET: an image from a URL or data URL. */
import { boxStyle, str, type WidgetProps } from "../types";

export default function Image({ values, onEvent }: WidgetProps) {
  const src = str(values["image"]) || str(values["defaultImage"]);
  return src === "" ? (
    <div className="lc-image lc-image--empty" style={boxStyle(values)} />
  ) : (
    <img className="lc-image" src={src} alt={str(values["alt"])} style={{ ...boxStyle(values), objectFit: (str(values["objectFit"], "cover") as "cover") }} onClick={() => onEvent("onClick")} />
  );
}
