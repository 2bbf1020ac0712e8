// Confero's service worker. It keeps the parent build's app shell for offline
// start and fast loads, caches the staff build as staff use it (a parent's
// phone never downloads it), and never touches the API: personal data is
// never cached. The API fills in the build id, file list and the staff paths
// (confero_core::bundle) when it serves this file, so each build gets a fresh
// cache and the old one is dropped on activation.
const BUILD = "__CONFERO_BUILD_ID__";
const PRECACHE = ["__CONFERO_PRECACHE__"];
const STAFF_PREFIXES = ["__CONFERO_STAFF_PREFIXES__"];
const STAFF_DIR = "__CONFERO_STAFF_DIR__";
const PREFIX = "confero-shell-";
const CACHE = PREFIX + BUILD;
// Under `trunk serve` nothing is filled in: then cache nothing.
const FILLED = !BUILD.startsWith("__");

function isStaffPage(path) {
  return STAFF_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix + "/"));
}

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

// Network first, keeping a copy of the page's shell for when the network is gone.
function navigate(request, shellKey) {
  return fetch(request)
    .then((response) => {
      if (response.ok && shellKey === STAFF_DIR) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(shellKey, copy));
      }
      return response;
    })
    .catch(() => caches.match(shellKey, { cacheName: CACHE }));
}

// Cache first; a staff file missing from the cache is kept once fetched.
function asset(request, path) {
  return caches.match(request, { cacheName: CACHE }).then((hit) => {
    if (hit) return hit;
    return fetch(request).then((response) => {
      if (response.ok && path.startsWith(STAFF_DIR)) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(request, copy));
      }
      return response;
    });
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const isApi = url.pathname === "/api" || url.pathname.startsWith("/api/");
  if (request.method !== "GET" || url.origin !== self.location.origin || isApi || !FILLED) {
    return; // straight to the network
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, isStaffPage(url.pathname) ? STAFF_DIR : "/"));
    return;
  }
  event.respondWith(asset(request, url.pathname));
});
