// Reads the machine-wide and per-user files. A file that is missing is normal (nothing managed);
// a file that cannot be read, is not JSON or fails the schema is reported as problems naming the
// file, and only that file is ignored: the other layer and the defaults still apply.
import fs from 'node:fs';
import type { z } from 'zod';
import { mergeConfig } from './merge';
import type { MergedConfig } from './merge';
import { MachineConfigFile, UserConfigFile } from './schema';

export type ConfigScope = 'machine' | 'user';

export interface ConfigProblem {
  scope: ConfigScope;
  file: string;
  /** One line a human can act on: where in the file, and what is wrong. */
  message: string;
}

export interface LoadedConfig extends MergedConfig {
  files: Record<ConfigScope, string>;
  problems: ConfigProblem[];
}

export interface ReadResult<T> {
  value: T | null;
  problems: ConfigProblem[];
}

/** Read and validate one file; never throws. */
export function readConfigFile<S extends z.ZodType>(file: string, schema: S, scope: ConfigScope): ReadResult<z.output<S>> {
  const problem = (message: string): ReadResult<z.output<S>> => ({ value: null, problems: [{ scope, file, message }] });
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { value: null, problems: [] };
    return problem(`cannot read the file (${code ?? (err as Error).message})`);
  }
  // Windows PowerShell 5.1 writes UTF-8 with a byte-order mark (Set-Content -Encoding UTF8): accept it.
  text = text.replace(/^\uFEFF/, '');
  if (!text.trim()) return problem('the file is empty (expected a JSON object)');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return problem(`not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      value: null,
      problems: parsed.error.issues.map((issue) => ({ scope, file, message: `${issue.path.join('.') || '(top level)'}: ${issue.message}` })),
    };
  }
  return { value: parsed.data, problems: [] };
}

export function loadManagedConfig(files: { machine: string; user: string }): LoadedConfig {
  const machine = readConfigFile(files.machine, MachineConfigFile, 'machine');
  const user = readConfigFile(files.user, UserConfigFile, 'user');
  return { ...mergeConfig({ machine: machine.value, user: user.value }), files, problems: [...machine.problems, ...user.problems] };
}

/** Log-friendly lines, e.g. for the shell's log and the in-app report. */
export function describeProblems(problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => `${p.scope} configuration ${p.file}: ${p.message} — this file is ignored, safe defaults apply`);
}
