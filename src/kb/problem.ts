/** One thing wrong with the knowledge base, located precisely enough for an editor to fix it. */
export interface Problem {
  readonly file: string;
  /** Dotted path inside the file, e.g. `answer.ky` or `sources[1].paras`. */
  readonly field: string;
  readonly lang?: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export function formatProblem(p: Problem): string {
  const where = p.field ? `${p.file}: ${p.field}` : p.file;
  return `${p.severity}: ${where}${p.lang ? ` [${p.lang}]` : ''}: ${p.message}`;
}
