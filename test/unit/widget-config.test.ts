import { afterEach, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../src/loader/config';

const spies = () => ({ error: vi.spyOn(console, 'error').mockImplementation(() => {}), warn: vi.spyOn(console, 'warn').mockImplementation(() => {}) });
afterEach(() => vi.restoreAllMocks());

describe('readConfig', () => {
  it('accepts the documented keys and trims a trailing slash from the domain', () => {
    const { error, warn } = spies();
    const onInit = () => {};
    const config = readConfig({ domain: 'https://cc.example.com/', contactCenterId: 'abc', onInit, themeCustom: { headerBackgroundColor: '#333' }, align: 'left' }, undefined);
    expect(config).toMatchObject({ domain: 'https://cc.example.com', contactCenterId: 'abc', onInit, align: 'left' });
    expect(error).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads data-* attributes, with the page object winning', () => {
    spies();
    const config = readConfig({ contactCenterId: 'from-page' }, { domain: 'https://data.example', contactCenterId: 'from-data' } as DOMStringMap);
    expect(config).toMatchObject({ domain: 'https://data.example', contactCenterId: 'from-page' });
  });

  it('reads the object keys from data-* attributes as JSON, and says so when that is not JSON', () => {
    const { error } = spies();
    const dataset = { domain: 'https://d.example', contactCenterId: 'c', themeCustom: '{"headerBackgroundColor":"#123456"}', customSystemMessages: '{"chatQueued":"Soon"}' };
    expect(readConfig(undefined, dataset as DOMStringMap)).toMatchObject({ themeCustom: { headerBackgroundColor: '#123456' }, customSystemMessages: { chatQueued: 'Soon' } });
    expect(error).not.toHaveBeenCalled();
    expect(readConfig(undefined, { ...dataset, themeCustom: '{headerBackgroundColor:' } as DOMStringMap)).toBeNull();
    expect(error).toHaveBeenCalledWith('Parley: configuration: "themeCustom" must be an object of strings (JSON in a data-* attribute)');
  });

  it('gives one clear error per problem and no config', () => {
    const { error } = spies();
    expect(readConfig({}, undefined)).toBeNull();
    expect(error.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(/"domain" is required/), expect.stringMatching(/"contactCenterId" is required/)]);
  });

  it.each([
    [{ domain: 42, contactCenterId: 'a' }, /"domain" must be an http\(s\) URL/],
    [{ domain: 'ftp://x', contactCenterId: 'a' }, /"domain" must be an http\(s\) URL/],
    [{ domain: 'https://x', contactCenterId: 7 }, /"contactCenterId" must be a string/],
    [{ domain: 'https://x', contactCenterId: 'a', onInit: 'go' }, /"onInit" must be a function/],
    [{ domain: 'https://x', contactCenterId: 'a', customSystemMessages: { chatQueued: 5 } }, /"customSystemMessages" must be an object of strings/],
    [{ domain: 'https://x', contactCenterId: 'a', align: 'center' }, /"align" must be one of/],
    [{ domain: 'https://x', contactCenterId: 'a', stylesheetURL: {} }, /"stylesheetURL" must be a string/],
  ])('refuses %j', (input, message) => {
    const { error } = spies();
    expect(readConfig(input, undefined)).toBeNull();
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toMatch(message);
  });

  it('warns about unknown keys and goes on', () => {
    const { warn } = spies();
    expect(readConfig({ domain: 'https://x', contactCenterId: 'a', colour: 'red' }, undefined)).not.toBeNull();
    expect(warn).toHaveBeenCalledWith('Parley: configuration key "colour" is unknown and will be ignored');
  });
});
