/**
 * `appsmith.store` on the main thread: values stored with `persist` (the default) survive a reload
 * in localStorage, one entry per application; the others live as long as the page.
 */
import type { Effect } from "../engine/host";

/** The part of the Web Storage API the store uses (localStorage, or a test's own). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class AppStore {
  private persisted: Record<string, unknown>;
  private readonly session: Record<string, unknown> = {};
  private readonly key: string;

  constructor(
    appId: string,
    private readonly storage: KeyValueStorage,
  ) {
    this.key = `lowcraft.store.${appId}`;
    this.persisted = AppStore.read(storage, this.key);
  }

  private static read(storage: KeyValueStorage, key: string): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(key) ?? "{}");
      return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {}; // a corrupt entry must not stop the app from opening
    }
  }

  /** What `appsmith.store` starts with when the app opens. */
  values(): Record<string, unknown> {
    return { ...this.persisted, ...this.session };
  }

  /** Apply a store effect from the engine; returns whether the effect was a store effect. */
  apply(effect: Effect): boolean {
    switch (effect.kind) {
      case "storeValue":
        if (effect.persist) {
          this.persisted = { ...this.persisted, [effect.key]: effect.value };
          delete this.session[effect.key];
        } else {
          this.session[effect.key] = effect.value;
          const { [effect.key]: _removed, ...rest } = this.persisted;
          this.persisted = rest;
        }
        this.save();
        return true;
      case "removeValue": {
        const { [effect.key]: _removed, ...rest } = this.persisted;
        this.persisted = rest;
        delete this.session[effect.key];
        this.save();
        return true;
      }
      case "clearStore":
        this.persisted = {};
        for (const k of Object.keys(this.session)) delete this.session[k];
        this.storage.removeItem(this.key);
        return true;
      default:
        return false;
    }
  }

  private save(): void {
    try {
      this.storage.setItem(this.key, JSON.stringify(this.persisted));
    } catch {
      // Quota exceeded or storage disabled: the value still lives in the engine for this page.
    }
  }
}
