// electron-builder afterSign hook (electron-builder.yml `afterSign`): notarises the signed macOS app
// with Apple's notary service. Credentials come only from the environment (CI secrets), never
// from the repository:
//   APPLE_ID                     the Apple ID of the developer account
//   APPLE_APP_SPECIFIC_PASSWORD  an app-specific password for that Apple ID
//   APPLE_TEAM_ID                the 10-character team id of the Developer ID certificate
// Without any of them this hook does nothing (local and unsigned builds); with only some of them
// it fails the build, because a half-configured release must not ship un-notarised.
// electron-builder's own notarisation is switched off (mac.notarize: false) so it runs once, here.
import path from 'node:path';

export const NOTARIZE_ENV = ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'];

/** The options for @electron/notarize, or null when no credential is set. Throws when only some are. */
export function notarizeOptions(env, appPath) {
  const present = NOTARIZE_ENV.filter((k) => env[k] && String(env[k]).trim());
  if (present.length === 0) return null;
  const missing = NOTARIZE_ENV.filter((k) => !present.includes(k));
  if (missing.length) throw new Error(`notarisation: ${missing.join(', ')} not set (the others are); set all three or none`);
  return {
    tool: 'notarytool',
    appPath,
    appleId: env.APPLE_ID.trim(),
    appleIdPassword: env.APPLE_APP_SPECIFIC_PASSWORD.trim(),
    teamId: env.APPLE_TEAM_ID.trim(),
  };
}

/**
 * @param {{ electronPlatformName: string, appOutDir: string, packager: { appInfo: { productFilename: string } } }} context
 * @param {{ env?: Record<string, string | undefined>, notarize?: (opts: object) => Promise<void>, log?: (msg: string) => void }} [deps] tests inject these
 */
export default async function afterSign(context, deps = {}) {
  const log = deps.log ?? ((msg) => console.log(`  • ${msg}`));
  if (context.electronPlatformName !== 'darwin') return { notarized: false, reason: 'not macOS' };
  const appPath = path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`);
  const options = notarizeOptions(deps.env ?? process.env, appPath);
  if (!options) {
    log('notarisation skipped: APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID are not set');
    return { notarized: false, reason: 'no credentials' };
  }
  // @electron/notarize comes with electron-builder; loaded only when it is needed.
  const notarize = deps.notarize ?? (await import('@electron/notarize')).notarize;
  log(`notarising ${path.basename(appPath)} (team ${options.teamId})`);
  await notarize(options);
  log('notarisation done');
  return { notarized: true, appPath };
}
