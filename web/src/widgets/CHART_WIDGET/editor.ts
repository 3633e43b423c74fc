/** CHART_WIDGET in the editor: its series have a typed editor. */
import type { EditorHints } from "../editorHints";

export const editor: EditorHints = { controls: { chartData: "series" } };
