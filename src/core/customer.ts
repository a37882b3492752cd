// What the page tells the widget about the customer: info, chat variables and language. Kept per
// page (each page view sets its own); sent with the chat request or the offline form.
import { computed, signal } from '@preact/signals';
import { checkLanguage, mergeCustomerInfo, mergeVariables, type CustomerInfo, type Logger } from '../bus/rules';
import { browserLanguage, type Language } from '../i18n/languages';

export function createCustomer(log: Logger, detectBrowserLanguage: () => Language | null = browserLanguage) {
  const info = signal<CustomerInfo>({});
  const variables = signal<Record<string, string>>({});
  /** Set by chat:set-language or $language: the pre-chat question's default. */
  const apiLanguage = signal<Language | null>(null);
  /** The customer's answer to the pre-chat language question: wins over everything. */
  const chosenLanguage = signal<Language | null>(null);

  const language = computed<Language>(() => chosenLanguage.value ?? apiLanguage.value ?? detectBrowserLanguage() ?? 'en');

  return {
    info,
    variables,
    apiLanguage,
    chosenLanguage,
    language,
    setInfo(patch: unknown) {
      info.value = mergeCustomerInfo(info.value, patch, log);
    },
    resetInfo() {
      info.value = {};
    },
    setLanguage(value: unknown) {
      const checked = checkLanguage(value, log);
      if (checked) apiLanguage.value = checked;
    },
    setVariables(patch: unknown) {
      const next = mergeVariables(variables.value, patch, log);
      const given = typeof patch === 'object' && patch !== null ? (patch as Record<string, unknown>).$language : undefined;
      if (typeof given === 'string' && next.$language === given) {
        // $language sets the chat language at once, by the chat:set-language rules; the last one
        // given wins, whether it came here or from chat:set-language.
        const checked = checkLanguage(next.$language, log);
        if (checked) apiLanguage.value = checked;
        else if (variables.value.$language !== undefined) next.$language = variables.value.$language;
        else delete next.$language;
      }
      variables.value = next;
    },
    /** userData for a chat request or an offline form: info and variables, plus the language. */
    userData(extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
      return { ...info.value, ...variables.value, $language: language.value, ...extra };
    },
  };
}

export type Customer = ReturnType<typeof createCustomer>;
