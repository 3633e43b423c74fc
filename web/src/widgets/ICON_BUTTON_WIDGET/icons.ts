/** Glyphs for the icon names developers pick most (Blueprint-style names), so a button is never blank. */
const GLYPHS: Record<string, string> = {
  plus: "+", add: "+", minus: "−", remove: "−", cross: "×", close: "×", "small-cross": "×",
  tick: "✓", "small-tick": "✓", confirm: "✓", edit: "✎", annotation: "✎", trash: "🗑", delete: "🗑",
  search: "⌕", refresh: "↻", reset: "↺", undo: "↶", redo: "↷", download: "⤓", upload: "⤒", import: "⤓", export: "⤒",
  "arrow-left": "←", "arrow-right": "→", "arrow-up": "↑", "arrow-down": "↓",
  "chevron-left": "‹", "chevron-right": "›", "chevron-up": "˄", "chevron-down": "˅",
  "double-chevron-left": "«", "double-chevron-right": "»", menu: "☰", more: "⋯", "more-vertical": "⋮",
  cog: "⚙", settings: "⚙", home: "⌂", user: "👤", person: "👤", people: "👥", filter: "⏷", star: "★", "star-empty": "☆",
  heart: "♥", "info-sign": "ℹ", info: "ℹ", "warning-sign": "⚠", warning: "⚠", error: "⛔", help: "?", eye: "👁", "eye-open": "👁",
  lock: "🔒", unlock: "🔓", envelope: "✉", mail: "✉", phone: "☎", calendar: "📅", time: "🕒", link: "🔗", share: "⇪",
  print: "🖶", "floppy-disk": "💾", save: "💾", play: "▶", pause: "⏸", stop: "■", flag: "⚑", "map-marker": "📍",
  notifications: "🔔", comment: "💬", chat: "💬", duplicate: "⧉", clipboard: "📋", document: "📄", folder: "📁",
  "folder-open": "📂", "log-out": "⇥", "log-in": "⇤", "full-screen": "⛶", maximize: "⛶", minimize: "⊟",
};

/** The glyph for an icon name; an unknown name shows its first letter rather than nothing. */
export function glyphOf(name: string): string {
  return GLYPHS[name] ?? (name.charAt(0).toUpperCase() || "•");
}
