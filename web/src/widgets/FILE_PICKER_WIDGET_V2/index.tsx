/** FILE_PICKER_WIDGET_V2: files read in the browser, as base64 data URLs or text, for queries. */
import { boxStyle, num, str, type WidgetProps } from "../types";

function read(file: File, as: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    if (as === "Text") reader.readAsText(file);
    else reader.readAsDataURL(file);
  });
}

export default function FilePicker({ values, onMeta, onEvent }: WidgetProps) {
  const maxBytes = num(values["maxFileSize"], 5) * 1024 * 1024;
  return (
    <label className="lc-button lc-file" style={boxStyle(values)}>
      {str(values["label"], "Select files")}
      <input
        type="file"
        hidden
        multiple={num(values["maxNumFiles"], 1) > 1}
        disabled={values["isDisabled"] === true}
        onChange={async (e) => {
          const files = [...(e.target.files ?? [])].slice(0, num(values["maxNumFiles"], 1)).filter((f) => f.size <= maxBytes);
          const as = str(values["fileDataType"], "Base64");
          const selectedFiles = await Promise.all(
            files.map(async (f) => ({ name: f.name, type: f.type, size: f.size, data: await read(f, as), dataFormat: as })),
          );
          onMeta({ selectedFiles });
          onEvent("onFilesSelected");
        }}
      />
    </label>
  );
}
