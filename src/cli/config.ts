/** Reads the server configuration for a command, or explains (naming the variable) why it cannot. */
import { ConfigError, loadConfig, type Config } from '../config.js';

export function loadConfigOrExplain(): Config | undefined {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`jardam: configuration error:\n${err.message}`);
    return undefined;
  }
}
