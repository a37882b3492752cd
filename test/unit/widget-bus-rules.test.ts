// Every rule and console message of protocols/embedded-chat-bus.md for customer info, language and variables.
import { describe, expect, it } from 'vitest';
import { checkLanguage, mergeCustomerInfo, mergeVariables } from '../../src/bus/rules';

const logger = () => {
  const warnings: string[] = [];
  return { warnings, warn: (m: string) => warnings.push(m) };
};

describe('customer:set-info', () => {
  it('merges primitives, overwriting the same names', () => {
    const log = logger();
    const first = mergeCustomerInfo({}, { 'First name': 'John', Age: 25, Premium: true }, log);
    expect(mergeCustomerInfo(first, { Age: 26, City: 'Lisbon' }, log)).toEqual({ 'First name': 'John', Age: 26, Premium: true, City: 'Lisbon' });
    expect(log.warnings).toEqual([]);
  });

  it('removes a property set to null and ignores one set to undefined', () => {
    const log = logger();
    expect(mergeCustomerInfo({ 'First name': 'John', Age: 25 }, { 'First name': null, Age: undefined }, log)).toEqual({ Age: 25 });
    expect(log.warnings).toEqual([]);
  });

  it.each([
    ['an object', { a: 1 }, '{"bad":{"a":1}}'],
    ['an array', [1, 2], '{"bad":[1,2]}'],
    ['a function', () => 1, '{"bad":"[function]"}'],
  ])('discards %s with the exact warning', (_name, value, shown) => {
    const log = logger();
    expect(mergeCustomerInfo({ kept: 1 }, { bad: value, ok: 'yes' }, log)).toEqual({ kept: 1, ok: 'yes' });
    expect(log.warnings).toEqual([`Customer info ${shown} is not of a primitive type and will be discarded`]);
  });

  it('takes keys under 100 characters and values under 500, discarding the rest with the exact warnings', () => {
    const log = logger();
    const result = mergeCustomerInfo({}, { ['k'.repeat(99)]: 'ok', ['k'.repeat(100)]: 'too long key', short: 'v'.repeat(499), long: 'v'.repeat(500), number: 12345 }, log);
    expect(Object.keys(result).sort()).toEqual(['k'.repeat(99), 'number', 'short'].sort());
    expect(log.warnings).toEqual([
      `Customer info {"${'k'.repeat(100)}":"too long key"} key is too big and will be discarded`,
      `Customer info {"long":"${'v'.repeat(500)}"} value is too big and will be discarded`,
    ]);
  });

  it('discards data that is not an object', () => {
    const log = logger();
    expect(mergeCustomerInfo({ a: 1 }, 'John', log)).toEqual({ a: 1 });
    expect(log.warnings).toEqual(['Customer info John is not of a primitive type and will be discarded']);
  });
});

describe('chat:set-language', () => {
  it('accepts the 22 codes', () => {
    const log = logger();
    for (const code of ['en', 'ru', 'de', 'ja', 'es', 'fr', 'pt', 'it', 'pl', 'hr', 'hi', 'nl', 'ar', 'da', 'ko', 'no', 'sv', 'vi', 'cy', 'th', 'zh-CN', 'zh-TW']) {
      expect(checkLanguage(code, log)).toBe(code);
    }
    expect(log.warnings).toEqual([]);
  });

  it.each(['pt-BR', 'EN', 'zh', 'klingon', 42])('discards %s with the exact warning', (code) => {
    const log = logger();
    expect(checkLanguage(code, log)).toBeNull();
    expect(log.warnings).toEqual([`Chat language ${code} is not valid and will be discarded`]);
  });
});

describe('chat:set-variables', () => {
  it('takes custom _variables and the six CRM $variables', () => {
    const log = logger();
    const vars = { _options: 'DEF', '_a-b_c9': 'x', $language: 'pt', $caseNumber: '1', $accountNumber: '2', $emailAddress: 'a@b.c', $emailSubject: 's', $emailBody: 'b' };
    expect(mergeVariables({}, vars, log)).toEqual(vars);
    expect(log.warnings).toEqual([]);
  });

  it('discards keys that do not match the pattern, with the exact warning', () => {
    const log = logger();
    expect(mergeVariables({}, { options: 'x', '_bad key': 'x', ['_' + 'k'.repeat(255)]: 'x', _: 'x' }, log)).toEqual({});
    expect(log.warnings).toEqual([
      'Customer variable: provided variable options does not match the expected pattern or its chars exceeded the max length of 255. It will be discarded',
      'Customer variable: provided variable _bad key does not match the expected pattern or its chars exceeded the max length of 255. It will be discarded',
      `Customer variable: provided variable _${'k'.repeat(255)} does not match the expected pattern or its chars exceeded the max length of 255. It will be discarded`,
      'Customer variable: provided variable _ does not match the expected pattern or its chars exceeded the max length of 255. It will be discarded',
    ]);
  });

  it('discards unsupported system variables, with the exact warning', () => {
    const log = logger();
    expect(mergeVariables({}, { $secret: 'x' }, log)).toEqual({});
    expect(log.warnings).toEqual(["Customer variable: provided system variable $secret it's not supported. It will be discarded"]);
  });

  it('discards values that are not strings or are longer than 255, with the exact warning', () => {
    const log = logger();
    expect(mergeVariables({}, { _n: 5, _long: 'v'.repeat(256), _ok: 'v'.repeat(255) }, log)).toEqual({ _ok: 'v'.repeat(255) });
    expect(log.warnings).toEqual([
      'Customer variable: provided variable _n is not a string or its chars exceeded the max length of 255. It will be discarded',
      'Customer variable: provided variable _long is not a string or its chars exceeded the max length of 255. It will be discarded',
    ]);
  });

  it('merges into earlier variables', () => {
    const log = logger();
    expect(mergeVariables({ _a: '1', _b: '2' }, { _b: '3' }, log)).toEqual({ _a: '1', _b: '3' });
  });
});
