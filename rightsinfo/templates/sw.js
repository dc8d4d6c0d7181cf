/* The service worker of one language of rightsinfo, rendered by rightsinfo/offline.py; its scope
   is the language's prefix (/ps/ …) and its bytes change with every version of the pack.

   Install saves every URL of the language's pack into its own cache, one small batch at a time so
   pages can show progress, and fails (switching nothing) if any URL fails. A new version waits
   until the reader taps "update"; it then deletes every older pack of the language. Pages are
   answered from this worker's own pack only, so a page is never a mix of two versions; the
   network is asked only for URLs outside the pack, and nothing fetched at run time is stored. */
'use strict';

var VERSION = {{ version|tojson }};
var LANG = {{ lang|tojson }};
var CACHE_PREFIX = 'rightsinfo-' + LANG + '-';
var CACHE_NAME = CACHE_PREFIX + VERSION;
var PACK_URLS = {{ urls|safe }};
var OFFLINE_URL = {{ offline_url|tojson }};
var SEARCH_URL = {{ search_url|tojson }};
var SAVE_BATCH_SIZE = 4; // parallel downloads while saving: enough to be quick, gentle on the server
var SW_NETWORK_TIMEOUT_MS = 4000; // then a reader with a dying signal gets the offline page

var progress = { done: 0, total: PACK_URLS.length, failed: false };

/* Post a message to every page of this language, saved by this worker or not yet. */
function tellPages(message) {
  return self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (pages) {
    pages.forEach(function (page) {
      if (page.url.lastIndexOf(self.registration.scope, 0) === 0) page.postMessage(message);
    });
  });
}

function progressMessage() {
  return { type: 'progress', version: VERSION, done: progress.done, total: progress.total };
}

/* Return whether a URL belongs to this site: nothing from another origin is ever stored. */
function isSameOrigin(url) {
  return new URL(url, self.location.href).origin === self.location.origin;
}

/* Fetch one pack URL past the HTTP cache and store it; refuse errors, redirects and other origins. */
function saveOne(cache, url) {
  if (!isSameOrigin(url)) return Promise.reject(new Error('not this site: ' + url));
  return fetch(url, { cache: 'reload', credentials: 'same-origin', redirect: 'error' }).then(function (response) {
    if (!response.ok || response.type !== 'basic' || response.redirected) {
      throw new Error(url + ': ' + response.status);
    }
    return cache.put(url, response).then(function () {
      progress.done += 1;
      return tellPages(progressMessage());
    });
  });
}

/* Save the URLs in small batches, one batch after another. */
function saveAll(cache) {
  var batches = [];
  for (var start = 0; start < PACK_URLS.length; start += SAVE_BATCH_SIZE) {
    batches.push(PACK_URLS.slice(start, start + SAVE_BATCH_SIZE));
  }
  return batches.reduce(function (previous, batch) {
    return previous.then(function () {
      return Promise.all(batch.map(function (url) { return saveOne(cache, url); }));
    });
  }, Promise.resolve());
}

/* Check the server still serves this version, so the pack is not half one build, half the next. */
function checkVersionUnchanged() {
  return fetch(self.location.href, { cache: 'no-store' }).then(function (response) {
    return response.text().then(function (body) {
      if (!response.ok || body.indexOf(JSON.stringify(VERSION)) === -1) {
        throw new Error('the site changed while saving');
      }
    });
  });
}

self.addEventListener('install', function (event) {
  progress = { done: 0, total: PACK_URLS.length, failed: false };
  event.waitUntil(
    caches.open(CACHE_NAME)
      .then(function (cache) {
        return tellPages(progressMessage()).then(function () { return saveAll(cache); });
      })
      .then(checkVersionUnchanged)
      .catch(function (error) {
        progress.failed = true;
        // Leave no half-saved pack behind; the worker that is active (if any) keeps its own.
        return caches.delete(CACHE_NAME).then(function () {
          return tellPages({ type: 'failed', version: VERSION });
        }).then(function () { throw error; });
      })
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.lastIndexOf(CACHE_PREFIX, 0) === 0 && name !== CACHE_NAME;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener('message', function (event) {
  var data = event.data || {};
  if (data.type === 'SKIP_WAITING') {
    self.skipWaiting(); // only when the reader tapped "update"
  } else if (data.type === 'STATUS' && event.source) {
    event.source.postMessage(progressMessage());
  }
});

/* Return the pack's copy of a URL path, or undefined; only the search page ignores its query. */
function fromPack(url) {
  var key = url.pathname === SEARCH_URL ? SEARCH_URL : url.pathname + url.search;
  return caches.match(key, { cacheName: CACHE_NAME, ignoreVary: true });
}

/* Return the network's answer, or reject after SW_NETWORK_TIMEOUT_MS. */
function fromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error('timeout')); }, SW_NETWORK_TIMEOUT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/* Return the offline page of this language with status 503: the page asked for is not here. */
function offlinePage() {
  return caches.match(OFFLINE_URL, { cacheName: CACHE_NAME, ignoreVary: true }).then(function (saved) {
    if (!saved) return Response.error();
    var headers = new Headers();
    saved.headers.forEach(function (value, name) {
      if (['content-encoding', 'content-length', 'etag'].indexOf(name) === -1) headers.set(name, value);
    });
    headers.set('Cache-Control', 'no-store');
    return new Response(saved.body, { status: 503, statusText: 'Offline', headers: headers });
  });
}

function answer(request) {
  var url = new URL(request.url);
  return fromPack(url).then(function (saved) {
    if (saved) return saved;
    return fromNetwork(request).catch(function () {
      return request.mode === 'navigate' ? offlinePage() : Response.error();
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  // Other origins and other methods go straight to the browser; this worker never stores them.
  if (request.method !== 'GET' || !isSameOrigin(request.url)) return;
  event.respondWith(answer(request));
});
