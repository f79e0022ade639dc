// Renderer entry: pick the bridge, set up i18n and react-query, mount the app.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseBridge } from './bridge/choose';
import { App, NoAccess } from './components/App';
import { isDashboardLocation } from './dashboard/window-links';
import { initI18n } from './i18n';
import { BridgeContext } from './state/bridge-context';
import './styles.css';

initI18n(navigator.languages);

// The dashboard window's code is loaded only by that window: the main window (all shift, every agent) never parses it.
const DashboardApp = lazy(() => import('./dashboard/DashboardApp').then((m) => ({ default: m.DashboardApp })));

const queryClient = new QueryClient({
  defaultOptions: {
    // Data is fresh until the core says otherwise ('changed' events): no timers, no refetch on focus.
    queries: { staleTime: Infinity, refetchOnWindowFocus: false, refetchOnReconnect: false, retry: 1 },
    mutations: { retry: false },
  },
});

const choice = chooseBridge(window);
const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    {choice.kind === 'ready' ? (
      <BridgeContext.Provider value={choice.bridge}>
        <QueryClientProvider client={queryClient}>
          {/* The same renderer serves the supervisor dashboard window, on its own route (docs/metrics.md). */}
          {isDashboardLocation(window.location) ? (
            <Suspense fallback={null}>
              <DashboardApp />
            </Suspense>
          ) : (
            <App />
          )}
        </QueryClientProvider>
      </BridgeContext.Provider>
    ) : (
      <NoAccess />
    )}
  </StrictMode>,
);
