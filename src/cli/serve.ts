/** `jardam serve` (npm start): the HTTP server with the channels the environment switches on. */
import { loadConfigOrExplain } from './config.js';
import { createLogger } from '../server/logger.js';
import { startServer, StartError } from '../server/start.js';

export async function runServe(root: string | undefined): Promise<number> {
  const config = loadConfigOrExplain();
  if (!config) return 2;
  const log = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer(config, { log, ...(root ? { root } : {}) });
  } catch (err) {
    if (!(err instanceof StartError)) throw err;
    console.error(`jardam: ${err.message}`);
    return 1;
  }
  if (config.webChat) console.log(`Jardam web chat: http://localhost:${server.port}/`);
  const running = server;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      void running.shutdown().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
