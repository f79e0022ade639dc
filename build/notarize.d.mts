export declare const NOTARIZE_ENV: string[];
export interface NotarizeOptions { tool: 'notarytool'; appPath: string; appleId: string; appleIdPassword: string; teamId: string }
export declare function notarizeOptions(env: Record<string, string | undefined>, appPath: string): NotarizeOptions | null;
export default function afterSign(
  context: { electronPlatformName: string; appOutDir: string; packager: { appInfo: { productFilename: string } } },
  deps?: { env?: Record<string, string | undefined>; notarize?: (opts: NotarizeOptions) => Promise<void>; log?: (msg: string) => void },
): Promise<{ notarized: boolean; reason?: string; appPath?: string }>;
