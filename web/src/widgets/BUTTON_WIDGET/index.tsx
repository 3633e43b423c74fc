/**
 * BUTTON_WIDGET: runs onClick; disabled by its flag or, in a form, while the form is invalid. With
 * a Google reCAPTCHA site key, a click first obtains a token (`recaptchaToken`) and onClick runs
 * only when it has one.
 */
import { useEffect, useRef, useState } from "react";

import { useForm } from "../formContext";
import { boxStyle, str, type WidgetProps, type WidgetValues } from "../types";
import { pageRecaptcha } from "./pageRecaptcha";
import { clickWithRecaptcha, recaptchaVersion } from "./recaptcha";

/**
 * What a button is to its form. A SUBMIT button is the form's default button: Enter in one of
 * the form's fields clicks it (HTML's implicit submission; the Form never lets the page submit).
 * A RESET button, like any button with `resetFormOnClick`, puts the fields back after onClick.
 */
export function formRole(values: WidgetValues): { htmlType: "submit" | "button"; resetsForm: boolean } {
  const buttonType = str(values["buttonType"], "BUTTON");
  return {
    htmlType: buttonType === "SUBMIT" ? "submit" : "button",
    resetsForm: buttonType === "RESET" || values["resetFormOnClick"] === true,
  };
}

export default function Button({ values, onMeta, onEvent }: WidgetProps) {
  const form = useForm();
  const [verifying, setVerifying] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const latestClick = useRef(0);
  const siteKey = str(values["googleRecaptchaKey"]).trim();
  const version = recaptchaVersion(values["recaptchaType"]);
  useEffect(() => {
    setProblem(null);
    if (siteKey !== "") pageRecaptcha().preload(siteKey, version);
  }, [siteKey, version]);

  const variant = str(values["buttonVariant"], "PRIMARY");
  const color = str(values["buttonColor"]) || "var(--lc-primary)";
  const blockedByForm = values["disabledWhenInvalid"] === true && form !== null && !form.valid;
  const role = formRole(values);
  const button = (
    <button
      type={role.htmlType}
      className={`lc-button lc-button--${variant.toLowerCase()}`}
      title={str(values["tooltip"]) || undefined}
      disabled={values["isDisabled"] === true || blockedByForm}
      aria-busy={verifying || undefined}
      style={{ ...boxStyle(values), background: variant === "PRIMARY" ? color : "transparent", borderColor: color, color: variant === "PRIMARY" ? "#fff" : color, ...(siteKey !== "" ? { width: "100%", height: "100%" } : {}) }}
      onClick={() => {
        if (siteKey === "") {
          onEvent("onClick");
          if (role.resetsForm) form?.reset();
          return;
        }
        // v3 answers by itself, so a second click meanwhile would only ask twice; a v2 challenge
        // the user closed never answers, so there a new click must be able to reopen it.
        if (verifying && version === "V3") return;
        const click = ++latestClick.current;
        setVerifying(true);
        setProblem(null);
        void clickWithRecaptcha(pageRecaptcha(), siteKey, version, { onMeta, onEvent }).then((failure) => {
          if (click !== latestClick.current) return; // a newer click took over; it reports for both
          setVerifying(false);
          setProblem(failure);
          if (failure === null && role.resetsForm) form?.reset();
        });
      }}
    >
      {str(values["text"])}
    </button>
  );
  if (siteKey === "") return button;
  return (
    <span className="lc-button-recaptcha" style={{ position: "relative", display: "block" }}>
      {button}
      {problem !== null && (
        <span className="lc-field__error" role="alert" style={{ position: "absolute", left: 0, top: "100%", zIndex: 1, background: "#fff", padding: "2px 4px" }}>
          {problem}
        </span>
      )}
    </span>
  );
}
