/** A signing secret: from configuration, or generated once and kept in the data directory. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Files in DATA_DIR holding the generated secrets. */
export const SECRET_FILES = { webSession: 'web-session-secret', userKey: 'user-key-secret', console: 'console-secret' } as const;

export function dataSecret(configured: string | undefined, dataDir: string, name: keyof typeof SECRET_FILES): string {
  if (configured) return configured;
  const file = join(dataDir, SECRET_FILES[name]);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
