/** Debian's Chromium, headless, for the browser tests (installed by .ci/run, or CHROMIUM_PATH). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('Chromium not found: install Debian\'s "chromium" (apt-get install chromium) or set CHROMIUM_PATH');
  return chromium.launch({
    executablePath: CHROMIUM,
    // No background networking: this machine's closed network would refuse its connections.
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
}
