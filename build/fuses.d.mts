import type path from 'node:path';

export declare const FUSE_SENTINEL: string;
export declare const FUSE_WIRE_VERSION: number;
export declare const FuseV1: Readonly<{
  RunAsNode: 0;
  EnableCookieEncryption: 1;
  EnableNodeOptionsEnvironmentVariable: 2;
  EnableNodeCliInspectArguments: 3;
  EnableEmbeddedAsarIntegrityValidation: 4;
  OnlyLoadAppFromAsar: 5;
  LoadBrowserProcessSpecificV8Snapshot: 6;
  GrantFileProtocolExtraPrivileges: 7;
}>;
export declare function threadlineFuses(platform: string): Record<number, boolean>;
export declare function flipFuseWire(binary: Buffer, settings: Record<number, boolean>): number;
export declare function fuseBinaryPath(
  p: typeof path,
  ctx: { appOutDir: string; electronPlatformName: string; productFilename: string; executableName: string },
): string;
