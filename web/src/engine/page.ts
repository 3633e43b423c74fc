/** The parts of the application document (docs/app-format.md) that the engine evaluates. */

export interface WidgetNode {
  readonly widgetName: string;
  readonly type: string;
  readonly widgetId?: string;
  readonly children?: readonly WidgetNode[];
  readonly [property: string]: unknown;
}

export interface ActionSettings {
  readonly runOnPageLoad?: boolean;
  readonly confirmBeforeRun?: boolean;
  readonly timeoutMs?: number;
}

export interface ActionDefinition {
  readonly name: string;
  readonly id?: string;
  readonly config: unknown;
  readonly settings?: ActionSettings;
  /** A result the server already fetched (an on-load query run while serving the page). */
  readonly data?: unknown;
}

/** Per-function settings of a JS object, as Appsmith has them. */
export interface JsFunctionSettings {
  /** Run the function with the page's on-load actions. */
  readonly runOnPageLoad?: boolean;
  /** Ask the user before each call from an event handler, the page load or another function. */
  readonly confirmBeforeRun?: boolean;
}

export interface JsObjectDefinition {
  /** The stored JS object's id (documents from the server carry it). */
  readonly id?: string;
  readonly name: string;
  readonly body: string;
  /** Function name -> its settings; functions not listed have none set. */
  readonly settings?: Readonly<Record<string, JsFunctionSettings>>;
}

export interface PageDefinition {
  readonly dsl: WidgetNode;
  readonly actions?: readonly ActionDefinition[];
  readonly jsObjects?: readonly JsObjectDefinition[];
}

/** The application theme as stored (flat); bindings read it in Appsmith's nested shape. */
export interface AppTheme {
  readonly primaryColor?: string;
  readonly backgroundColor?: string;
  readonly fontFamily?: string;
  readonly borderRadius?: string;
  readonly boxShadow?: string;
}

export interface UrlInfo {
  readonly fullPath: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly protocol: string;
  readonly pathname: string;
  readonly hash: string;
  readonly queryParams: Readonly<Record<string, string>>;
}

export interface AppsmithInit {
  readonly store?: Readonly<Record<string, unknown>>;
  readonly user?: Readonly<Record<string, unknown>>;
  readonly url?: string;
  readonly theme?: AppTheme;
  readonly mode?: "EDIT" | "VIEW";
}

/** `appsmith.URL` from an absolute URL. */
export function urlInfo(href: string): UrlInfo {
  const u = new URL(href);
  const queryParams: Record<string, string> = {};
  u.searchParams.forEach((value, key) => {
    queryParams[key] = value;
  });
  return {
    fullPath: u.href,
    host: u.host,
    hostname: u.hostname,
    port: u.port,
    protocol: u.protocol,
    pathname: u.pathname,
    hash: u.hash,
    queryParams,
  };
}

/** `appsmith.theme` in the nested shape that widget defaults bind to. */
export function themeValues(theme: AppTheme = {}): Record<string, unknown> {
  return {
    colors: { primaryColor: theme.primaryColor ?? "#553DE9", backgroundColor: theme.backgroundColor ?? "#F8FAFC" },
    borderRadius: { appBorderRadius: theme.borderRadius ?? "6px" },
    boxShadow: { appBoxShadow: theme.boxShadow ?? "none" },
    fontFamily: { appFont: theme.fontFamily ?? "system-ui" },
  };
}
