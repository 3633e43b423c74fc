/** Pieces the sign-in steps and the account settings share: the QR code of a new authenticator,
 * the code field, and the recovery codes shown once. */
import { useState } from "react";

import type { TwoFactorEnrolment } from "../api/resources";

/** The QR code (an SVG the server made: the secret never goes to a QR service) and the secret to type. */
export function EnrolmentCode({ enrolment }: { enrolment: TwoFactorEnrolment }) {
  return (
    <div className="lc-two-factor__qr">
      <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`} alt="QR code for your authenticator app" width={180} height={180} />
      <p className="lc-muted">
        Scan it with an authenticator app (1Password, Google Authenticator, Aegis…), or type this key:{" "}
        <code data-testid="two-factor-secret">{enrolment.secret}</code>
      </p>
    </div>
  );
}

export function CodeField({ value, onChange, label = "Code from your authenticator app" }: { value: string; onChange(v: string): void; label?: string }) {
  return (
    <label className="lc-form-field">
      <span>{label}</span>
      <input
        name="code"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]{6,7}"
        maxLength={7}
        required
        autoFocus
      />
    </label>
  );
}

/** Ten recovery codes, shown once: each signs in once in place of a code. */
export function RecoveryCodes({ codes, onDone, doneLabel = "I have saved them" }: { codes: readonly string[]; onDone(): void; doneLabel?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="lc-secret" role="status">
      <p>
        <strong>Save these recovery codes now.</strong> They are shown only once. Each signs you in once if you lose your phone.
      </p>
      <ul className="lc-recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void navigator.clipboard.writeText(codes.join("\n")).then(() => setCopied(true), () => setCopied(false))}>
        {copied ? "Copied" : "Copy"}
      </button>{" "}
      <button type="button" className="lc-primary" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}
