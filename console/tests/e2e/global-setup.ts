import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startPlatform } from './platform.ts';

export default async function globalSetup() {
  // Chromium writes under $HOME/.config even with its own profile; keep it out of the user's home.
  const xdg = await fs.mkdtemp(path.join(os.tmpdir(), 'opsgraph-chromium-'));
  process.env.XDG_CONFIG_HOME = xdg;
  process.env.XDG_CACHE_HOME = xdg;

  const platform = await startPlatform();
  process.env.CONSOLE_URL = platform.consoleUrl;
  process.env.API_URL = platform.apiUrl;
  return async () => {
    await platform.stop();
    await fs.rm(xdg, { recursive: true, force: true });
  };
}
