import { describe, expect, it } from 'vitest';
import { hashPassword, MIN_PASSWORD_LENGTH, PasswordError, verifyPassword } from '../../src/accounts/password.js';

describe('password hashing', () => {
  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(stored).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password here'), hashPassword('same password here')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password here', a)).toBe(true);
    expect(await verifyPassword('same password here', b)).toBe(true);
  });

  it(`refuses passwords shorter than ${MIN_PASSWORD_LENGTH} characters with a clear error`, async () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10);
    await expect(hashPassword('123456789')).rejects.toThrow(PasswordError);
    await expect(hashPassword('123456789')).rejects.toThrow(/at least 10 characters/);
    await expect(hashPassword('1234567890')).resolves.toMatch(/^scrypt\$/);
    // Characters, not bytes: ten Cyrillic letters are enough, nine are not.
    await expect(hashPassword('пароль-123')).resolves.toMatch(/^scrypt\$/);
    await expect(hashPassword('пароль123')).rejects.toThrow(PasswordError);
  });

  it('reads the parameters from the stored string', async () => {
    const stored = await hashPassword('parameters travel along');
    const [, , r, p, salt, hash] = stored.split('$');
    // A hash made with other (cheaper) parameters still verifies: they are read back, not assumed.
    const { scryptSync } = await import('node:crypto');
    const cheap = `scrypt$1024$${r}$${p}$${salt}$${scryptSync('parameters travel along', Buffer.from(salt!, 'base64url'), 32, { N: 1024, r: 8, p: 1 }).toString('base64url')}`;
    expect(await verifyPassword('parameters travel along', cheap)).toBe(true);
    expect(hash).not.toBe(cheap.split('$')[5]);
  });

  it('treats malformed or hostile stored strings as a wrong password', async () => {
    const good = await hashPassword('a good long password');
    const [, , , , salt, hash] = good.split('$');
    for (const stored of ['', 'plain', 'scrypt$', `bcrypt$32768$8$1$${salt}$${hash}`, `scrypt$3$8$1$${salt}$${hash}`, `scrypt$${2 ** 24}$8$1$${salt}$${hash}`, `scrypt$32768$999$1$${salt}$${hash}`, `scrypt$32768$8$1$${salt}$`, `scrypt$32768$8$1$$${hash}`]) {
      expect(await verifyPassword('a good long password', stored), stored).toBe(false);
    }
  });
});
