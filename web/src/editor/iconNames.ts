/**
 * The icon picker's catalogue: names a property of type `icon` accepts (lowercase words joined by
 * hyphens, as the server checks), grouped so a search by meaning finds them too.
 */
export const ICON_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const ICON_GROUPS: Readonly<Record<string, readonly string[]>> = {
  actions: ["plus", "minus", "cross", "tick", "edit", "trash", "search", "refresh", "undo", "redo", "download", "upload", "duplicate", "clipboard", "print", "floppy-disk", "share", "filter", "link"],
  arrows: ["arrow-left", "arrow-right", "arrow-up", "arrow-down", "chevron-left", "chevron-right", "chevron-up", "chevron-down", "double-chevron-left", "double-chevron-right"],
  interface: ["menu", "more", "more-vertical", "cog", "home", "full-screen", "minimize", "log-in", "log-out", "lock", "unlock", "eye-open", "notifications"],
  people: ["user", "people", "envelope", "phone", "comment", "chat"],
  status: ["info-sign", "warning-sign", "error", "help", "star", "star-empty", "heart", "flag"],
  things: ["calendar", "time", "map-marker", "document", "folder", "folder-open", "play", "pause", "stop"],
};

export const ICON_NAMES: readonly string[] = Object.values(ICON_GROUPS).flat();

/** Icons whose name or group contains every word of the search, in catalogue order. */
export function searchIcons(query: string): string[] {
  const words = query.toLowerCase().split(/[\s-]+/).filter(Boolean);
  if (words.length === 0) return [...ICON_NAMES];
  return Object.entries(ICON_GROUPS).flatMap(([group, names]) => names.filter((n) => words.every((w) => n.includes(w) || group.includes(w))));
}
