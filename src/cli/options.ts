/** Command-line options, parsed with node:util and checked with zod so a typo gets a clear message. */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LANGS, USER_COUNTRIES } from '../types.js';

export const langOption = z.enum(LANGS, { message: `--lang must be one of ${LANGS.join(', ')}` });
export const countryOption = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(USER_COUNTRIES, { message: `--country must be one of ${USER_COUNTRIES.join(', ')}` }));

export const commonSchema = z.object({
  lang: langOption.optional(),
  country: countryOption.optional(),
  root: z.string().min(1).optional(),
  json: z.boolean().optional(),
});
export type CommonOptions = z.infer<typeof commonSchema>;

export class UsageError extends Error {}

export function parseCommon(args: string[]): { options: CommonOptions; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        lang: { type: 'string' },
        country: { type: 'string' },
        root: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result = commonSchema.safeParse(parsed.values);
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join('; '));
  return { options: result.data, positionals: parsed.positionals };
}
