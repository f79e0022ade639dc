// Where the managed configuration files live. The machine-wide path is per OS (IT writes it with
// admin rights); the per-user file sits in the app's userData folder. Both injectable for tests.
import path from 'node:path';

export const CONFIG_FILE_NAME = 'config.json';

/**
 * Windows: %ProgramData%\Threadline\config.json; macOS: /Library/Application Support/Threadline/config.json;
 * Linux and others: /etc/threadline/config.json.
 */
export function machineConfigPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') {
    // ProgramData is set on every supported Windows; the fallback is its documented default.
    const programData = env.ProgramData || env.PROGRAMDATA || 'C:\\ProgramData';
    return path.win32.join(programData, 'Threadline', CONFIG_FILE_NAME);
  }
  if (platform === 'darwin') return path.posix.join('/Library/Application Support/Threadline', CONFIG_FILE_NAME);
  return path.posix.join('/etc/threadline', CONFIG_FILE_NAME);
}

export function userConfigPath(userDataDir: string): string {
  return path.join(userDataDir, CONFIG_FILE_NAME);
}
