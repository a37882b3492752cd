// Temporary folders for tests. Each lives under the run's folder (made by the global setup, and
// removed by its teardown: the safety net for a test that dies before its own clean-up) and is
// removed as soon as the test or the file that asked for it ends. Child processes get the run's
// folder as their TMPDIR, so what they keep there (tsx's cache) goes with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, inject, onTestFinished } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's folder for temporary files (see global-setup.ts). */
    tempRoot: string;
  }
}

/** This run's folder; the system's when a file runs without the global setup. */
export const tempRoot = (): string => inject('tempRoot') ?? tmpdir();

const make = (prefix: string) => mkdtempSync(join(tempRoot(), prefix));
const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** A new empty folder, removed when the test that asks for it ends (call it inside a test). */
export function testTempDir(prefix: string): string {
  const dir = make(prefix);
  onTestFinished(() => remove(dir));
  return dir;
}

/**
 * A new empty folder for a whole file (call it at the top of the file, before its own afterAll):
 * removed after the file's other afterAll hooks, so after the processes that use it have stopped.
 */
export function fileTempDir(prefix: string): string {
  const dir = make(prefix);
  afterAll(() => remove(dir));
  return dir;
}
