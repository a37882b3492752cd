import { invalid } from './problems';

type Json = Record<string, unknown>;

export function body(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('The request body must be a JSON object');
  return value as Json;
}

export function str(obj: Json, key: string, opts: { required?: boolean; max?: number; path?: string } = {}): string | undefined {
  const name = opts.path ?? key;
  const value = obj[key];
  if (value === undefined || value === null) {
    if (opts.required) throw invalid(`${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  if (opts.required && value.trim() === '') throw invalid(`${name} must not be empty`);
  if (opts.max !== undefined && value.length > opts.max) throw invalid(`${name} must be at most ${opts.max} characters`);
  return value;
}

export function obj(parent: Json, key: string, required: boolean, path = key): Json | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) throw invalid(`${path} is required`);
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${path} must be an object`);
  return value as Json;
}

export function absoluteUri(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${name} must be an absolute http(s) URI`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${name} must be an absolute http(s) URI`);
  return value;
}

/** `size` (default 20) and `page` (from 0), as every gateway list takes them. */
export function paginate<T>(items: T[], query: Record<string, string | undefined>, key: string, self: string) {
  const size = int(query.size, 20, 1, 1000, 'size');
  const number = int(query.page, 0, 0, 1_000_000, 'page');
  const slice = items.slice(number * size, number * size + size);
  return {
    _embedded: { [key]: slice },
    _links: { self: { href: self } },
    page: { size, number, totalElements: items.length, totalPages: Math.ceil(items.length / size) },
  };
}

function int(raw: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** `sort=field:asc|desc` on one of the allowed fields. */
export function sortBy<T>(items: T[], raw: string | undefined, fallback: string, allowed: (keyof T & string)[]): T[] {
  const [field, direction = 'asc'] = (raw || fallback).split(':');
  if (!allowed.includes(field as keyof T & string) || (direction !== 'asc' && direction !== 'desc')) {
    throw invalid(`sort must be one of ${allowed.map((a) => `${a}:asc|desc`).join(', ')}`);
  }
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const x = String(a[field as keyof T]);
    const y = String(b[field as keyof T]);
    return x < y ? -sign : x > y ? sign : 0;
  });
}
