// src/README.md's TypeScript example, type-checked as an integrator's project would check it:
// against the chat.d.ts that `npm run build` emits (the same tsconfig, emitted here in memory), with
// the TypeScript compiler. A misspelt command with wrong data, or wrong data, must fail it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const readme = readFileSync(join(root, 'src/README.md'), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const DTS_CONFIG = 'src/bus/tsconfig.dts.json';

const format = (diagnostics: readonly ts.Diagnostic[]) =>
  diagnostics.map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(root.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });

/** What `tsc -p src/bus/tsconfig.dts.json` writes, path → text, without writing it. */
function emitDeclarations(): Record<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, DTS_CONFIG),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(format([d]).join('\n'));
      },
    },
  )!;
  const program = ts.createProgram(config.fileNames, config.options);
  const written: Record<string, string> = {};
  const result = program.emit(undefined, (name, text) => (written[name.slice(root.length + 1)] = text));
  expect(format([...ts.getPreEmitDiagnostics(program), ...result.diagnostics])).toEqual([]);
  return written;
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
  // The declaration is checked too; TypeScript's own libraries need not be.
  skipLibCheck: false,
  skipDefaultLibCheck: true,
};
const host = ts.createCompilerHost(OPTIONS);
/** TypeScript's own libraries, parsed once for every check. */
const libraries = new Map<string, ts.SourceFile | undefined>();

/** The example as a file of an integrator's project, beside parley/chat.d.ts; nothing is written to disk. */
function typeErrors(example: string, declaration: string): string[] {
  const dir = join(root, 'integrator');
  const files = new Map([
    [join(dir, 'example.ts'), example],
    [join(dir, 'parley/chat.d.ts'), declaration],
  ]);
  const virtual: ts.CompilerHost = {
    ...host,
    getSourceFile: (name, language) => {
      const text = files.get(name);
      if (text !== undefined) return ts.createSourceFile(name, text, language);
      if (!libraries.has(name)) libraries.set(name, host.getSourceFile(name, language));
      return libraries.get(name);
    },
    fileExists: (name) => files.has(name) || host.fileExists(name),
    readFile: (name) => files.get(name) ?? host.readFile(name),
    directoryExists: (name) => [...files.keys()].some((file) => file.startsWith(`${name}/`)) || ts.sys.directoryExists(name),
  };
  const program = ts.createProgram([join(dir, 'example.ts')], OPTIONS, virtual);
  return format(ts.getPreEmitDiagnostics(program));
}

// The compiler is CPU-bound, and the machine may be busy with other tests.
describe("src/README.md's TypeScript example", { timeout: 60_000 }, () => {
  it('is there, and the build emits the declaration it uses', () => {
    expect(examples).toHaveLength(1);
    expect(examples[0]).toContain('from "./parley/chat"');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain(`tsc -p ${DTS_CONFIG}`);
  });

  let emitted: string | undefined;
  const declaration = () => {
    if (emitted !== undefined) return emitted;
    const written = emitDeclarations();
    // One file that stands alone: src/bus/chat.ts imports nothing.
    expect(Object.keys(written)).toEqual(['dist/chat.d.ts']);
    return (emitted = written['dist/chat.d.ts']!);
  };

  it('type-checks against dist/chat.d.ts', () => {
    expect(typeErrors(examples[0]!, declaration())).toEqual([]);
  });

  it('fails the check when it publishes a misspelt command with wrong data, or a command with wrong data', () => {
    const dts = declaration();
    const example = examples[0]!;
    const line = example.split('\n').findIndex((l) => l.includes('bus.publish("chat:set-language", "pt")')) + 1;
    expect(line).toBeGreaterThan(0);
    for (const wrong of ['bus.publish("chat:set-langauge", 42)', 'bus.publish("chat:set-language", 42)', 'bus.publish("chat:set-language", "xx")']) {
      const errors = typeErrors(example.replace('bus.publish("chat:set-language", "pt")', wrong), dts);
      expect(errors, wrong).toEqual([expect.stringMatching(new RegExp(`^integrator/example\\.ts:${line}: No overload matches this call`))]);
    }
    // The subscriber side too: a handler that expects other data.
    const handler = example.replace('({ reason }) => console.log("chat ended by", reason)', '({ chatId }: { chatId: string }) => console.log(chatId)');
    expect(handler).not.toBe(example);
    expect(typeErrors(handler, dts)).toHaveLength(1);
  });
});
