// Confero's service worker. It keeps one build's app shell for offline start
// and fast loads, and never touches the API: personal data is never cached.
// The API fills in the build id and file list when it serves this file, so
// each build gets a fresh cache and the old one is dropped on activation.
const BUILD = "__CONFERO_BUILD_ID__";
const PRECACHE = ["__CONFERO_PRECACHE__"];
const PREFIX = "confero-shell-";
const CACHE = PREFIX + BUILD;
// Under `trunk serve` nothing is filled in: then cache nothing.
const FILLED = !BUILD.startsWith("__");

self.addEventListener("install", (event) => {
  event.waitUntil(
    (FILLED ? caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)) : Promise.resolve())
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
  if (request.method !== "GET" || url.origin !== self.location.origin || isApi || !FILLED) {
    return; // straight to the network
  }
  if (request.mode === "navigate") {
    // Network first, so a new build shows at once; the cached shell when offline.
    event.respondWith(fetch(request).catch(() => caches.match("/", { cacheName: CACHE })));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});
