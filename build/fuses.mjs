// Electron fuses, flipped in the packaged binary (DESIGN.md §Electron: "fuses flipped at package time").
// electron-builder 25 has no `electronFuses` option (it arrived in 26) and @electron/fuses is not a
// dependency, so this is the documented fuse-wire format, small enough to own:
//   SENTINEL, then 1 byte wire version (1), 1 byte wire length, then one byte per fuse:
//   '0' disabled, '1' enabled, 'r' removed (a removed fuse is left alone).
// Indices are FuseV1Options of @electron/fuses.

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
export const FUSE_WIRE_VERSION = 1;

export const FuseV1 = Object.freeze({
  RunAsNode: 0,
  EnableCookieEncryption: 1,
  EnableNodeOptionsEnvironmentVariable: 2,
  EnableNodeCliInspectArguments: 3,
  EnableEmbeddedAsarIntegrityValidation: 4,
  OnlyLoadAppFromAsar: 5,
  LoadBrowserProcessSpecificV8Snapshot: 6,
  GrantFileProtocolExtraPrivileges: 7,
});

const DISABLE = 0x30; // '0'
const ENABLE = 0x31; // '1'
const REMOVED = 0x72; // 'r'

/**
 * Threadline's fuse settings for one platform. Asar integrity validation is switched on only where
 * electron-builder 25 writes the integrity hash the fuse checks (macOS Info.plist); on Windows it
 * would need the integrity resource that only newer electron-builder embeds.
 */
export function threadlineFuses(platform) {
  return {
    [FuseV1.RunAsNode]: false,
    [FuseV1.EnableCookieEncryption]: true,
    [FuseV1.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1.EnableNodeCliInspectArguments]: false,
    [FuseV1.EnableEmbeddedAsarIntegrityValidation]: platform === 'darwin' || platform === 'mas',
    [FuseV1.OnlyLoadAppFromAsar]: true,
    [FuseV1.GrantFileProtocolExtraPrivileges]: false,
  };
}

/**
 * Flip the fuses in a binary image, in place. Every copy of the wire is set (a universal macOS
 * binary has two). Throws when there is no wire, its version is unknown, or a fuse is out of range,
 * so a package is never shipped with fuses silently left as they were.
 * @param {Buffer} binary
 * @param {Record<number, boolean>} settings
 * @returns {number} how many wires were set
 */
export function flipFuseWire(binary, settings) {
  const sentinel = Buffer.from(FUSE_SENTINEL, 'ascii');
  let wires = 0;
  for (let at = binary.indexOf(sentinel); at !== -1; at = binary.indexOf(sentinel, at + 1)) {
    const versionAt = at + sentinel.length;
    const version = binary[versionAt];
    const length = binary[versionAt + 1];
    if (version !== FUSE_WIRE_VERSION) throw new Error(`Unknown fuse wire version ${version}`);
    if (length === undefined || versionAt + 2 + length > binary.length) throw new Error('Truncated fuse wire');
    for (const [key, enabled] of Object.entries(settings)) {
      const index = Number(key);
      if (index >= length) throw new Error(`Fuse ${index} is not in this Electron's wire (length ${length})`);
      const pos = versionAt + 2 + index;
      if (binary[pos] === REMOVED) continue;
      if (binary[pos] !== DISABLE && binary[pos] !== ENABLE) throw new Error(`Fuse ${index} has an unexpected state byte ${binary[pos]}`);
      binary[pos] = enabled ? ENABLE : DISABLE;
    }
    wires++;
  }
  if (wires === 0) throw new Error('No Electron fuse wire found in the binary');
  return wires;
}

/** The file that holds the fuse wire inside a packed app, per electron-builder's platform name. */
export function fuseBinaryPath(path, { appOutDir, electronPlatformName, productFilename, executableName }) {
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${productFilename}.app`, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
  }
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${productFilename}.exe`);
  return path.join(appOutDir, executableName);
}
