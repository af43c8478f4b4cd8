import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
} from 'react';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  hint?: ReactNode;
  error?: string;
  /** Extra content under the input (password feedback). Its id should be in aria-describedby. */
  after?: ReactNode;
  /** The input itself (to put focus back on it after an error). */
  ref?: Ref<HTMLInputElement>;
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const joined = ids.filter(Boolean).join(' ');
  return joined || undefined;
}

/** A labelled input with optional hint and error, both tied to it with aria-describedby. */
export function Field({ label, hint, error, after, id, className, ref, ...input }: FieldProps) {
  const autoId = useId();
  const fieldId = id ?? autoId;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <p id={`${fieldId}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <input
        id={fieldId}
        ref={ref}
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(
          hint !== undefined && `${fieldId}-hint`,
          error !== undefined && `${fieldId}-error`,
          input['aria-describedby'],
        )}
      />
      {error ? (
        <p id={`${fieldId}-error`} className="field-error">
          {error}
        </p>
      ) : null}
      {after}
    </div>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  hint?: ReactNode;
  children: ReactNode;
}

export function SelectField({ label, hint, id, children, className, ...select }: SelectFieldProps) {
  const autoId = useId();
  const fieldId = id ?? autoId;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <p id={`${fieldId}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      <select
        id={fieldId}
        {...select}
        aria-describedby={describedBy(hint !== undefined && `${fieldId}-hint`)}
      >
        {children}
      </select>
    </div>
  );
}

interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> {
  label: ReactNode;
}

/** A checkbox whose whole label row is the (≥ 44 px) touch target. */
export function Checkbox({ label, className, ...input }: CheckboxProps) {
  return (
    <label className={`checkbox ${className ?? ''}`}>
      <input type="checkbox" {...input} />
      <span>{label}</span>
    </label>
  );
}
