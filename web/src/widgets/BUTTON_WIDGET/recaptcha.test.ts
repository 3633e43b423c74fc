/**
 * A button with a Google reCAPTCHA site key, clicked on a page whose `window.grecaptcha` is a
 * stand-in that behaves as Google documents it: the script defines `ready`; v3's
 * `execute(siteKey, {action})` resolves to a token only for the key the script was loaded with;
 * v2's `render` makes an invisible widget whose `execute(id)` calls back with a token.
 * The onClick runs in the real engine, so the tests read what `Button1.recaptchaToken` gives it.
 */
import { describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { WIDGET_DERIVED } from "../derived";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { clickWithRecaptcha, Recaptcha, recaptchaVersion, scriptSource, type Grecaptcha, type RecaptchaPage, type RecaptchaVersion, type V2Parameters } from "./recaptcha";

const manifests = loadManifests();
const GOOGLE = "https://www.google.com/recaptcha/api.js";
/** The site keys Google knows as v3 keys. */
const V3_KEYS = new Set(["site-key-1", "site-key-2"]);

/**
 * Google's client library as its documentation describes it. Loading the script again (another
 * `render` key) adds that key to the same global, as Google's loader does.
 */
function googleStandIn(src: string, existing?: GoogleStandIn): GoogleStandIn {
  const renderKey = new URL(src).searchParams.get("render");
  if (existing) {
    if (renderKey) existing.loadedKeys.add(renderKey);
    return existing;
  }
  let issued = 0;
  const widgets: V2Parameters[] = [];
  const standIn: GoogleStandIn = {
    widgets,
    loadedKeys: new Set(renderKey ? [renderKey] : []),
    resets: 0,
    ready: (callback: () => void) => void setTimeout(callback, 0),
    execute: (keyOrWidget?: string | number, options?: { action: string }): Promise<string> | undefined => {
      if (typeof keyOrWidget === "number") {
        const params = widgets[keyOrWidget];
        if (!params) throw new Error(`Invalid reCAPTCHA client id: ${keyOrWidget}`);
        setTimeout(() => params.callback(`v2-token-${params.sitekey}-${++issued}`), 0);
        return undefined;
      }
      if (!standIn.loadedKeys.has(keyOrWidget ?? "") || !V3_KEYS.has(keyOrWidget ?? "")) return Promise.reject(new Error(`Invalid site key or not loaded in api.js: ${String(keyOrWidget)}`));
      return Promise.resolve(`v3-token-${keyOrWidget}-${options?.action ?? ""}-${++issued}`);
    },
    render: (_container: HTMLElement | string, parameters: V2Parameters) => widgets.push(parameters) - 1,
    reset: () => {
      standIn.resets += 1;
    },
  };
  return standIn;
}

interface GoogleStandIn extends Grecaptcha {
  readonly widgets: V2Parameters[];
  readonly loadedKeys: Set<string>;
  resets: number;
}

type Network = "up" | "down" | "hangs" | "not-google";

/** A page whose script tags are served by `network`; `window.grecaptcha` appears when Google's script runs. */
class StandInPage implements RecaptchaPage {
  readonly window: { grecaptcha?: GoogleStandIn } = {};
  readonly requested: string[] = [];
  readonly removed: string[] = [];
  network: Network = "up";

  constructor(private readonly base = GOOGLE) {}

  scriptUrl = async () => this.base;
  loadScript = (src: string) => {
    this.requested.push(src);
    if (this.network === "down") return Promise.reject(new Error("net::ERR_CONNECTION_REFUSED"));
    if (this.network === "hangs") return new Promise<void>(() => undefined);
    if (this.network === "up") this.window.grecaptcha = googleStandIn(src, this.window.grecaptcha);
    return Promise.resolve();
  };
  removeScript = (src: string) => void this.removed.push(src);
  grecaptcha = () => this.window.grecaptcha;
  container = () => "recaptcha-holder";
}

/** Button1 on a page whose onClick shows the token it reads, and Text1 showing it too. */
function appWithButton(onClick = "{{showAlert('token=' + Button1.recaptchaToken)}}") {
  const host = new RecordingHost();
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host });
  engine.load(page([widget("Button1", "BUTTON_WIDGET", { googleRecaptchaKey: "site-key-1", onClick }), widget("Text1", "TEXT_WIDGET", { text: "{{Button1.recaptchaToken}}" })]));
  const ran: Promise<unknown>[] = [];
  const click = (recaptcha: Recaptcha, siteKey = "site-key-1", version: RecaptchaVersion = "V3") =>
    clickWithRecaptcha(recaptcha, siteKey, version, {
      onMeta: (changes) => void engine.setMeta("Button1", changes),
      onEvent: (event) => void ran.push(engine.runEvent("Button1", event)),
    });
  return { engine, host, ran, click };
}

describe("a button with a v3 site key", () => {
  test("loads Google's script with the key, gets a token, stores it as recaptchaToken, and only then runs onClick", async () => {
    const browser = new StandInPage();
    const app = appWithButton();
    const failure = await app.click(new Recaptcha(browser));
    await Promise.all(app.ran);
    expect(failure).toBeNull();
    expect(browser.requested).toEqual([`${GOOGLE}?render=site-key-1`]);
    expect(app.host.alerts()).toEqual(["token=v3-token-site-key-1-submit-1"]);
    expect(app.engine.get("Text1.text")).toBe("v3-token-site-key-1-submit-1");
  });

  test("each click gets a new token, and the script is requested once however many clicks and buttons use the key", async () => {
    const browser = new StandInPage();
    const recaptcha = new Recaptcha(browser);
    const first = appWithButton();
    const second = appWithButton();
    await Promise.all([first.click(recaptcha), second.click(recaptcha)]);
    await first.click(recaptcha);
    await Promise.all([...first.ran, ...second.ran]);
    expect(browser.requested).toEqual([`${GOOGLE}?render=site-key-1`]);
    expect(first.host.alerts()).toHaveLength(2);
    expect(new Set([...first.host.alerts(), ...second.host.alerts()]).size).toBe(3);
  });

  test("a second key on the same page gets its own script", async () => {
    const browser = new StandInPage();
    const recaptcha = new Recaptcha(browser);
    await recaptcha.token("site-key-1", "V3");
    await recaptcha.token("site-key-2", "V3");
    await recaptcha.token("site-key-1", "V3");
    expect(browser.requested).toEqual([`${GOOGLE}?render=site-key-1`, `${GOOGLE}?render=site-key-2`]);
  });

  test("preloading before the first click means the click itself loads nothing", async () => {
    const browser = new StandInPage();
    const recaptcha = new Recaptcha(browser);
    recaptcha.preload("site-key-1", "V3");
    const app = appWithButton();
    expect(await app.click(recaptcha)).toBeNull();
    expect(browser.requested).toHaveLength(1);
  });

  test("loads from the instance's own address (LOWCRAFT_RECAPTCHA_SCRIPT_URL), keeping its query", () => {
    expect(scriptSource("https://www.recaptcha.net/recaptcha/api.js", "k 1", "V3")).toBe("https://www.recaptcha.net/recaptcha/api.js?render=k+1");
    expect(scriptSource("http://127.0.0.1:9000/api.js?hl=de", "k", "V2")).toBe("http://127.0.0.1:9000/api.js?hl=de&render=explicit");
  });
});

describe("when reCAPTCHA fails, onClick does not run and the user is told why", () => {
  test("the script cannot be loaded; a later click tries again and succeeds", async () => {
    const browser = new StandInPage();
    browser.network = "down";
    const recaptcha = new Recaptcha(browser);
    const app = appWithButton();
    expect(await app.click(recaptcha)).toBe("reCAPTCHA could not be loaded from www.google.com.");
    expect(app.ran).toEqual([]);
    expect(app.engine.get("Button1.recaptchaToken")).toBeUndefined();
    expect(browser.removed).toEqual([`${GOOGLE}?render=site-key-1`]);

    browser.network = "up";
    expect(await app.click(recaptcha)).toBeNull();
    await Promise.all(app.ran);
    expect(browser.requested).toHaveLength(2);
    expect(app.host.alerts()).toEqual(["token=v3-token-site-key-1-submit-1"]);
  });

  test("the script never arrives (a blocked network hangs)", async () => {
    const browser = new StandInPage();
    browser.network = "hangs";
    const app = appWithButton();
    expect(await app.click(new Recaptcha(browser, 20))).toBe("reCAPTCHA did not load from www.google.com in time.");
    expect(app.ran).toEqual([]);
  });

  test("the address serves something that is not reCAPTCHA", async () => {
    const browser = new StandInPage("https://intranet.example.com/api.js");
    browser.network = "not-google";
    const app = appWithButton();
    expect(await app.click(new Recaptcha(browser))).toBe("The script from intranet.example.com is not Google reCAPTCHA.");
    expect(app.ran).toEqual([]);
  });

  test("Google refuses the key (not a v3 key, or not registered)", async () => {
    const browser = new StandInPage();
    const app = appWithButton();
    expect(await app.click(new Recaptcha(browser), "a-v2-key")).toBe("reCAPTCHA refused the click: Invalid site key or not loaded in api.js: a-v2-key");
    expect(app.ran).toEqual([]);
    expect(app.engine.get("Button1.recaptchaToken")).toBeUndefined();
  });
});

describe("a button with a v2 site key", () => {
  test("renders one invisible widget per key; each click executes it and the callback's token reaches onClick", async () => {
    const browser = new StandInPage();
    const recaptcha = new Recaptcha(browser);
    const app = appWithButton();
    expect(await app.click(recaptcha, "site-key-1", "V2")).toBeNull();
    expect(await app.click(recaptcha, "site-key-1", "V2")).toBeNull();
    await Promise.all(app.ran);
    expect(browser.requested).toEqual([`${GOOGLE}?render=explicit`]);
    const google = browser.window.grecaptcha!;
    expect(google.widgets.map((w) => [w.sitekey, w.size])).toEqual([["site-key-1", "invisible"]]);
    expect(google.resets).toBe(1); // a v2 token is single-use, so the second click asks afresh
    expect(app.host.alerts()).toEqual(["token=v2-token-site-key-1-1", "token=v2-token-site-key-1-2"]);
  });

  test("an expired or failed challenge does not run onClick", async () => {
    const browser = new StandInPage();
    const recaptcha = new Recaptcha(browser);
    recaptcha.preload("site-key-1", "V2");
    await new Promise((r) => setTimeout(r, 5));
    const google = browser.window.grecaptcha!;
    google.execute = (id) => void setTimeout(() => google.widgets[id as number]!["error-callback"](), 0);
    const app = appWithButton();
    expect(await app.click(recaptcha, "site-key-1", "V2")).toBe("reCAPTCHA refused the click: the challenge could not be completed (network error)");
    expect(app.ran).toEqual([]);
  });

  test("a challenge the user abandoned is replaced by the next click, which alone runs onClick", async () => {
    const browser = new StandInPage();
    const recaptcha = new Recaptcha(browser);
    recaptcha.preload("site-key-1", "V2");
    await new Promise((r) => setTimeout(r, 5));
    const google = browser.window.grecaptcha!;
    const answer = google.execute.bind(google);
    google.execute = () => undefined; // the user closes the challenge: Google never calls back
    const app = appWithButton();
    const abandoned = app.click(recaptcha, "site-key-1", "V2");
    await new Promise((r) => setTimeout(r, 5));
    google.execute = answer;
    const retried = app.click(recaptcha, "site-key-1", "V2");
    expect(await abandoned).toBe("reCAPTCHA refused the click: a newer click replaced this one");
    expect(await retried).toBeNull();
    await Promise.all(app.ran);
    expect(app.host.alerts()).toEqual(["token=v2-token-site-key-1-1"]);
  });
});

test("the version property is V3 unless it says V2", () => {
  expect([recaptchaVersion("V2"), recaptchaVersion("V3"), recaptchaVersion(undefined), recaptchaVersion("v2")]).toEqual(["V2", "V3", "V3", "V3"]);
});
