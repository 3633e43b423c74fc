/** IMAGE_WIDGET: an image from a URL or data URL (or the default image), shaped, clickable, downloadable. */
import { boxStyle, str, type WidgetProps } from "../types";

const FITS: Record<string, "cover" | "contain" | "none"> = { cover: "cover", contain: "contain", auto: "none" };
const SHAPES: Record<string, string | undefined> = { CIRCLE: "50%", ROUNDED: "12px", RECTANGLE: undefined };

export default function Image({ name, values, onEvent }: WidgetProps) {
  const src = str(values["image"]) || str(values["defaultImage"]);
  const clickable = str(values["onClick"]) !== "";
  const shape = SHAPES[str(values["imageShape"], "RECTANGLE")];
  const style = { ...boxStyle(values), ...(shape ? { borderRadius: shape } : {}) };
  if (src === "") return <div className="lc-image lc-image--empty" style={style} role="img" aria-label={`${name}: no image`} />;
  return (
    <div className="lc-image-box">
      <img
        className="lc-image"
        src={src}
        alt={str(values["alt"]) || name}
        style={{ ...style, objectFit: FITS[str(values["objectFit"], "cover")] ?? "cover", cursor: clickable ? "pointer" : undefined }}
        onClick={() => onEvent("onClick")}
      />
      {values["enableDownload"] === true && (
        <a className="lc-image__download" href={src} download={name} aria-label={`Download ${name}`}>
          ⤓
        </a>
      )}
    </div>
  );
}
