import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSourceText, normalizeQuote } from '../../src/kb/documents.js';
import { paragraphRanges } from '../../src/kb/cite.js';
import { PROJECT_ROOT } from '../../src/kb/load.js';

describe('paragraph parsing', () => {
  it('numbers paragraphs in sequence and ignores restarts in tables', () => {
    const text = ['1. First para', 'continues here.', '2.\tSecond', 'Table', '1. row one', '3. Third', '[bookmark: x]4.\tFourth'].join('\n');
    const doc = parseSourceText(text, true);
    expect([...doc.paragraphs.keys()]).toEqual([1, 2, 3, 4]);
    expect(doc.paragraphs.get(1)).toBe('First para continues here.');
    expect(doc.paragraphs.get(2)).toBe('Second Table 1. row one');
  });
  it('finds the real paragraphs of the CRC and CMW documents', () => {
    const crc = parseSourceText(readFileSync(join(PROJECT_ROOT, 'knowledge/documents/000_9cb7d01b3580a391.txt'), 'utf8'), true);
    expect(crc.paragraphs.size).toBe(274);
    expect(crc.paragraphs.get(95)).toContain('« 111 »');
    const cmw = parseSourceText(readFileSync(join(PROJECT_ROOT, 'knowledge/documents/003_a1602c65baf75138.txt'), 'utf8'), true);
    expect(cmw.paragraphs.size).toBe(378);
    expect(cmw.paragraphs.get(50)).toContain('1899');
    const co = parseSourceText(readFileSync(join(PROJECT_ROOT, 'knowledge/documents/004_8e28a8c34f43e928.txt'), 'utf8'), true);
    expect(co.paragraphs.size).toBe(58);
  });
  it('compares quotes without typographic differences', () => {
    expect(normalizeQuote('l’école  «x»')).toBe(normalizeQuote("l'école \"x\""));
  });
  it('writes paragraph ranges compactly', () => {
    expect(paragraphRanges([98, 95, 96, 97, 118, 120, 121])).toBe('95–98, 118, 120–121');
  });
});
