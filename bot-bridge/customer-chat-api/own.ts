// Looking up and storing by a key someone else chose (a userData key, a form field id, an agent
// id, a notice event): a plain object answers `constructor`, `toString` or `__proto__` from
// Object.prototype, and silently drops `__proto__` on assignment. These two go by own properties
// only. No imports: the widget uses them too.

/** `record[key]` when the record itself has that key; never what Object.prototype has under the name. */
export function own<T>(record: Readonly<Record<PropertyKey, T>>, key: PropertyKey): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** `record[key] = value` as an own, enumerable property, even for `__proto__`. */
export function put<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
