/**
 * The page's key-value storage: the browser's localStorage where this document may use it, else
 * one kept in memory for the life of the page.
 *
 * A viewer embedded in another site's page may be refused storage: with third-party storage
 * blocked (a browser setting, or a privacy mode), merely reading `window.localStorage` throws a
 * SecurityError, and that used to leave an embedded app as a blank page. Every read and write goes
 * through a guard, since storage can also fail later (quota, or the user clearing site data).
 */

/** A Storage in memory: what an embedded viewer remembers when the browser gives it no storage. */
export class MemoryStorage implements Storage {
  [name: string]: unknown;
  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

/**
 * `open()`'s storage while it works; from the first failure on (opening, reading or writing),
 * memory holding what the page read and wrote before. `open` is how the browser's storage is
 * reached, so a test can pass one that throws.
 */
export function guardedStorage(open: () => Storage): Storage {
  let real: Storage | null;
  try {
    real = open();
  } catch {
    real = null;
  }
  const memory = new MemoryStorage();
  const attempt = <T>(use: (storage: Storage) => T, fallback: () => T): T => {
    if (real === null) return fallback();
    try {
      return use(real);
    } catch {
      real = null; // storage went away: keep the page working from memory from now on
      return fallback();
    }
  };
  const guarded: Storage = {
    get length() {
      return attempt((s) => s.length, () => memory.length);
    },
    clear: () => attempt((s) => s.clear(), () => memory.clear()),
    getItem: (key) =>
      attempt(
        (s) => {
          const value = s.getItem(key);
          if (value !== null) memory.setItem(key, value);
          return value;
        },
        () => memory.getItem(key),
      ),
    key: (index) => attempt((s) => s.key(index), () => memory.key(index)),
    removeItem: (key) => {
      memory.removeItem(key);
      attempt((s) => s.removeItem(key), () => undefined);
    },
    setItem: (key, value) => {
      // Written to memory too, so a value survives the moment the real storage starts failing.
      memory.setItem(key, value);
      attempt((s) => s.setItem(key, value), () => undefined);
    },
  };
  return guarded;
}

let shared: Storage | undefined;

/** The one storage of this page (see the module comment); never throws. */
export function pageStorage(): Storage {
  shared ??= guardedStorage(() => window.localStorage);
  return shared;
}
