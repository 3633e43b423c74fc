/** The page's one Recaptcha, reaching the real browser: script tags, `window.grecaptcha`, the instance settings. */
import { api } from "../../api/http";
import { messageOf } from "../../engine/errors";
import { Recaptcha, RecaptchaError, type Grecaptcha, type RecaptchaPage } from "./recaptcha";

let shared: Recaptcha | null = null;

/** Shared by every button of the page, so each script is loaded once however many buttons use it. */
export function pageRecaptcha(): Recaptcha {
  shared ??= new Recaptcha(browserPage());
  return shared;
}

function browserPage(): RecaptchaPage {
  let scriptUrl: Promise<string> | null = null;
  const ours = () => Array.from(document.querySelectorAll<HTMLScriptElement>("script[data-lc-recaptcha]"));
  return {
    scriptUrl: () => {
      scriptUrl ??= api<{ settings?: { recaptchaScriptUrl?: unknown } }>("/widgets").then(
        (answer) => {
          const url = answer.settings?.recaptchaScriptUrl;
          if (typeof url !== "string" || url === "") throw new RecaptchaError("This server does not say where to load reCAPTCHA from.");
          return url;
        },
        (error: unknown) => {
          throw new RecaptchaError(`reCAPTCHA's address could not be read from the server: ${messageOf(error)}`);
        },
      );
      scriptUrl.catch(() => {
        scriptUrl = null;
      });
      return scriptUrl;
    },
    loadScript: (src) =>
      new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.dataset["lcRecaptcha"] = "";
        script.onload = () => resolve();
        script.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.appendChild(script);
      }),
    removeScript: (src) => ours().filter((s) => s.src === src).forEach((s) => s.remove()),
    grecaptcha: () => (window as unknown as { grecaptcha?: Grecaptcha }).grecaptcha,
    container: () => {
      // Google places the invisible widget's badge itself; the element only has to be in the page.
      const holder = document.createElement("div");
      holder.dataset["lcRecaptcha"] = "";
      document.body.appendChild(holder);
      return holder;
    },
  };
}
