// Cross-origin isolation for a page served by any static file server.
//
// Worker mode shares memory between the page and its guest workers
// (SharedArrayBuffer), which a browser allows only to a cross-origin
// isolated page: one served with Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp. `wasock web` sends them; a
// plain static server does not. This file, placed next to the page and
// loaded with <script src="coi.js"></script> before anything else, adds
// them itself: in the page it registers itself as a service worker and
// reloads once it controls the page; as the service worker it answers each
// request of the page with the server's response plus those headers.
// It does nothing where the page is already isolated, nor where the browser
// has JSPI (WebAssembly.Suspending: Chromium >= 137), whose host mode needs
// no shared memory — unless the page's URL asks for worker mode
// (?host-mode=worker). It needs a secure context (https:, or
// http://localhost / 127.0.0.1).

/* global self, window, document, navigator, location, sessionStorage, Response, fetch, WebAssembly, URLSearchParams */
(() => {
  const HEADERS = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };

  if (typeof window === 'undefined') {
    // The service worker.
    self.addEventListener('install', () => self.skipWaiting());
    self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
    self.addEventListener('fetch', (event) => {
      const request = event.request;
      // Requests the worker may not replay as-is (a cache-only probe of another origin).
      if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
      event.respondWith(
        fetch(request).then((response) => {
          // Opaque responses (other origins, no CORS) cannot be rewritten.
          if (response.status === 0) return response;
          const headers = new Headers(response.headers);
          for (const [name, value] of Object.entries(HEADERS)) headers.set(name, value);
          return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
        }),
      );
    });
    return;
  }

  // The page.
  if (window.crossOriginIsolated) return;
  const jspi = typeof WebAssembly === 'object' && typeof WebAssembly.Suspending === 'function';
  if (jspi && new URLSearchParams(location.search).get('host-mode') !== 'worker') return;
  if (!window.isSecureContext || !('serviceWorker' in navigator)) return;
  const script = document.currentScript && document.currentScript.src;
  if (!script) return;
  // One attempt per tab session: a browser that still refuses isolation is
  // not reloaded forever; the page then says what is missing.
  const tried = 'wasock-coi-reloaded';
  if (navigator.serviceWorker.controller) {
    if (sessionStorage.getItem(tried)) return;
    sessionStorage.setItem(tried, '1');
    document.documentElement.dataset.isolating = 'true';
    location.reload();
    return;
  }
  document.documentElement.dataset.isolating = 'true';
  navigator.serviceWorker.register(script).then(
    () => navigator.serviceWorker.ready.then(() => {
      sessionStorage.setItem(tried, '1');
      location.reload();
    }),
    () => delete document.documentElement.dataset.isolating,
  );
})();
