// electron-builder afterPack hook (electron-builder.yml `afterPack`): flips the Electron fuses in the
// packed binary before electron-builder signs it (signing comes after afterPack, so the signature
// covers the flipped bytes).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { flipFuseWire, fuseBinaryPath, threadlineFuses } from './fuses.mjs';

export default async function afterPack(context) {
  const file = fuseBinaryPath(path, {
    appOutDir: context.appOutDir,
    electronPlatformName: context.electronPlatformName,
    productFilename: context.packager.appInfo.productFilename,
    executableName: context.packager.executableName ?? context.packager.appInfo.productFilename,
  });
  const binary = await fs.readFile(file);
  const wires = flipFuseWire(binary, threadlineFuses(context.electronPlatformName));
  await fs.writeFile(file, binary);
  console.log(`  • fuses flipped in ${path.basename(file)} (${wires} wire${wires > 1 ? 's' : ''})`);
}
