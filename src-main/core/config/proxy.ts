// Managed proxy → the object Electron's session.setProxy() takes (ProxyConfig). Pure, so the shell
// only passes it through.
import type { ProxySetting } from './schema';

export interface ElectronProxyConfig {
  mode: 'system' | 'direct' | 'fixed_servers' | 'pac_script';
  proxyRules?: string;
  proxyBypassRules?: string;
  pacScript?: string;
}

export function electronProxyConfig(proxy: ProxySetting): ElectronProxyConfig {
  switch (proxy.mode) {
    case 'system':
      return { mode: 'system' };
    case 'direct':
      return { mode: 'direct' };
    case 'fixed':
      return { mode: 'fixed_servers', proxyRules: proxy.server.replace(/\/$/, ''), ...(proxy.bypass ? { proxyBypassRules: proxy.bypass } : {}) };
    case 'pac':
      return { mode: 'pac_script', pacScript: proxy.pacUrl };
  }
}
