import { useState } from 'preact/hooks';
import { own, type FieldErrors, type FormField } from '../core';
import { LANGUAGES, type Language } from '../i18n/languages';
import { useT } from './context';

interface Props {
  id: string;
  fields: FormField[];
  submitLabel: string;
  /** Default answers (e.g. the language question's default). */
  defaults?: Record<string, string>;
  onSubmit(values: Record<string, string>): Promise<FieldErrors | 'failed'>;
}

function languageName(code: Language): string {
  try {
    return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A form of the chat script: labels, required markers, errors tied to their fields. */
export function Form({ id, fields, submitLabel, defaults = {}, onSubmit }: Props) {
  const t = useT();
  // Only what the customer typed or chose; untouched fields follow their (possibly changing) defaults.
  const [touched, setValues] = useState<Record<string, string>>({});
  const values = { ...defaults, ...touched };
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (field: string, value: string) => setValues((v) => ({ ...v, [field]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    // Taken now: once the handler awaits, the event's currentTarget is null.
    const form = event.currentTarget as HTMLFormElement;
    setBusy(true);
    const result = await onSubmit(values);
    setBusy(false);
    setFailed(result === 'failed');
    const next = result === 'failed' ? {} : result;
    setErrors(next);
    const first = fields.find((f) => own(next, f.id));
    if (first) form.querySelector<HTMLElement>(`#${id}-${first.id}`)?.focus();
  };

  const hasErrors = Object.keys(errors).length > 0;
  return (
    <form class="form" onSubmit={submit} noValidate aria-describedby={hasErrors || failed ? `${id}-summary` : undefined}>
      <p id={`${id}-summary`} class="form-summary chat-error-msg" role="alert">
        {hasErrors ? t('errorRequiredMessage') : failed ? t('errorGenericMessage') : ''}
      </p>
      {fields.map((field) => {
        const fieldId = `${id}-${field.id}`;
        const error = own(errors, field.id);
        const common = {
          id: fieldId,
          name: field.id,
          required: !!field.required,
          'aria-required': field.required ? ('true' as const) : undefined,
          'aria-invalid': error ? ('true' as const) : undefined,
          'aria-describedby': error ? `${fieldId}-error` : undefined,
          value: own(values, field.id) ?? '',
          onInput: (e: Event) => set(field.id, (e.currentTarget as HTMLInputElement).value),
        };
        return (
          <div class="field" key={field.id}>
            <label for={fieldId}>
              {field.label}
              {field.required && (
                <span class="required" title={t('requiredField')}>
                  {' '}
                  *<span class="visually-hidden"> ({t('requiredField')})</span>
                </span>
              )}
            </label>
            {field.type === 'textarea' ? (
              <textarea {...common} rows={4} />
            ) : field.type === 'language' ? (
              <select {...common} onChange={common.onInput}>
                {LANGUAGES.map((code) => (
                  <option key={code} value={code} lang={code}>
                    {languageName(code)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...common}
                type={field.type === 'email' ? 'email' : 'text'}
                inputMode={field.type === 'number' ? 'decimal' : undefined}
                autoComplete={field.type === 'email' ? 'email' : field.id === 'name' ? 'name' : 'off'}
              />
            )}
            {error && (
              <p id={`${fieldId}-error`} class="field-error chat-error-msg">
                {t(error)}
              </p>
            )}
          </div>
        );
      })}
      <button type="submit" class="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
