import { describe, expect, it } from 'vitest';
import {
  externalUrl,
  installSecurity,
  isAppUrl,
  permissionCheckHandler,
  permissionRequestHandler,
  RENDERER_URL,
} from '../../src-main/shell/security';
import { createMainWindow } from '../../src-main/shell/window';
import { createFakeElectron, FakeEvent } from './shell-electron-fakes';

function securedElectron() {
  const fx = createFakeElectron();
  installSecurity(fx.app, fx.session, fx.shell);
  let quitting = false;
  const win = createMainWindow(fx.ports.BrowserWindow, { preloadPath: '/app/dist/preload/preload.cjs', isQuitting: () => quitting });
  const fake = fx.windows[0]!;
  return { fx, win, fake, setQuitting: (q: boolean) => (quitting = q) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('secure window', () => {
  it('uses the locked-down web preferences and loads the app:// renderer, never file://', () => {
    const { fake } = securedElectron();
    expect(fake.options.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(fake.loadedUrl).toBe('app://threadline/index.html');
    expect(RENDERER_URL.startsWith('app://threadline/')).toBe(true);
  });

  it('shows when ready, hides instead of closing unless the app is quitting', () => {
    const { fake, setQuitting } = securedElectron();
    expect(fake.visible).toBe(false);
    fake.emit('ready-to-show');
    expect(fake.visible).toBe(true);
    expect(fake.userClose().defaultPrevented).toBe(true);
    expect(fake.visible).toBe(false);
    setQuitting(true);
    expect(fake.userClose().defaultPrevented).toBe(false);
    expect(fake.destroyed).toBe(true);
  });
});

describe('navigation and window.open guards', () => {
  it('prevents navigation to a foreign URL and opens http(s) outside instead', async () => {
    const { fx, fake } = securedElectron();
    const ev = fake.webContents.navigate('https://evil.example/phish');
    expect(ev.defaultPrevented).toBe(true);
    await flush();
    expect(fx.shell.opened).toEqual(['https://evil.example/phish']);
  });

  it('allows navigation inside app://threadline only', () => {
    const { fake } = securedElectron();
    expect(fake.webContents.navigate('app://threadline/index.html#/c/1').defaultPrevented).toBe(false);
    expect(fake.webContents.navigate('app://other/index.html').defaultPrevented).toBe(true);
    expect(fake.webContents.navigate('app://user:pw@threadline/').defaultPrevented).toBe(true);
  });

  it('never opens file:, javascript: or custom schemes outside, even when the navigation is blocked', async () => {
    const { fx, fake } = securedElectron();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://share/x', 'threadline://conversation/1']) {
      expect(fake.webContents.navigate(url).defaultPrevented).toBe(true);
    }
    await flush();
    expect(fx.shell.opened).toEqual([]);
  });

  it('blocks redirects that leave the app', () => {
    const { fake } = securedElectron();
    const ev = new FakeEvent('https://evil.example/');
    fake.webContents.emit('will-redirect', ev);
    expect(ev.defaultPrevented).toBe(true);
  });

  it('denies every window.open; http(s) and mailto go to the OS browser, the rest nowhere', async () => {
    const { fx, fake } = securedElectron();
    const urls = ['https://example.com/a?b=1', 'http://example.com/', 'mailto:help@example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'app://threadline/index.html', 'https://user:pw@bank.example/', 'not a url'];
    for (const url of urls) expect(fake.webContents.openWindow(url)).toEqual({ action: 'deny' });
    await flush();
    expect(fx.shell.opened).toEqual(['https://example.com/a?b=1', 'http://example.com/', 'mailto:help@example.com']);
  });

  it('refuses <webview> attachment', () => {
    const { fake } = securedElectron();
    const ev = new FakeEvent();
    fake.webContents.emit('will-attach-webview', ev, {}, {});
    expect(ev.defaultPrevented).toBe(true);
  });

  it('hardens every WebContents the app creates, not only the main window', () => {
    const { fx } = securedElectron();
    new fx.ports.BrowserWindow({});
    expect(fx.windows[1]!.webContents.windowOpenHandler).not.toBeNull();
    expect(fx.windows[1]!.webContents.listenerCount('will-navigate')).toBe(1);
  });
});

describe('permissions', () => {
  const ask = (permission: string, requestingUrl: string) => {
    let granted: boolean | undefined;
    permissionRequestHandler({}, permission, (g) => (granted = g), { requestingUrl });
    return granted;
  };

  it('allows notifications for our renderer and denies camera, microphone, geolocation and the rest', () => {
    const { fx } = securedElectron();
    expect(fx.session.requestHandler).toBe(permissionRequestHandler);
    expect(ask('notifications', 'app://threadline/index.html')).toBe(true);
    for (const p of ['media', 'geolocation', 'clipboard-read', 'display-capture', 'openExternal', 'midiSysex', 'unknown']) {
      expect(ask(p, 'app://threadline/index.html')).toBe(false);
    }
  });

  it('denies notifications to any other origin', () => {
    expect(ask('notifications', 'https://evil.example/')).toBe(false);
    expect(ask('notifications', '')).toBe(false);
  });

  it('answers permission checks the same way', () => {
    expect(permissionCheckHandler(null, 'notifications', 'app://threadline')).toBe(true);
    expect(permissionCheckHandler(null, 'media', 'app://threadline')).toBe(false);
    expect(permissionCheckHandler(null, 'notifications', 'https://evil.example')).toBe(false);
  });
});

describe('URL policies', () => {
  it('isAppUrl accepts only app://threadline', () => {
    expect(isAppUrl('app://threadline/')).toBe(true);
    expect(isAppUrl('app://threadline')).toBe(true);
    expect(isAppUrl('app://threadline.evil/')).toBe(false);
    expect(isAppUrl('https://threadline/')).toBe(false);
    expect(isAppUrl(null)).toBe(false);
    expect(isAppUrl('::')).toBe(false);
  });

  it('externalUrl normalises allowed URLs and refuses the rest', () => {
    expect(externalUrl('HTTPS://Example.COM/x')).toBe('https://example.com/x');
    expect(externalUrl('https://a@b.example/')).toBeNull();
    expect(externalUrl('vbscript:x')).toBeNull();
    expect(externalUrl('data:text/html,<script>1</script>')).toBeNull();
  });
});
