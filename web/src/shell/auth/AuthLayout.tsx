/** The frame of the logged-out screens: the product name and one card. */
import type { ReactNode } from "react";

export function AuthLayout({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <main className="lc-auth">
      <div className="lc-auth__card">
        <p className="lc-brand">Lowcraft</p>
        <h1>{title}</h1>
        {children}
        {footer && <div className="lc-auth__footer">{footer}</div>}
      </div>
    </main>
  );
}

export function TextField(props: {
  label: string;
  name: string;
  type?: string;
  value: string;
  onChange(value: string): void;
  autoComplete?: string;
  minLength?: number;
  required?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <label className="lc-form-field">
      <span>{props.label}</span>
      <input
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        minLength={props.minLength}
        required={props.required ?? true}
        autoFocus={props.autoFocus}
      />
    </label>
  );
}
