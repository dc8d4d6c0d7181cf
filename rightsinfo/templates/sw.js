/* The service worker of one language of rightsinfo, rendered by rightsinfo/offline.py; its scope
   is the language's prefix (/ps/ …) and its bytes change with every version of the pack.

   Install saves the language's pack into a cache named after its version: one request brings every
   URL's headers and body, a JSON line each, compressed with Zstandard, and each line is stored as
   soon as it has been decoded, so pages can show progress. A save cut off keeps what arrived; the
   next attempt (the next visit, the "save" button, the connection coming back) asks for the pack
   again, the browser's cache fetches only its missing bytes (an HTTP Range), and lines already
   stored are skipped. The cache is marked partial until every URL is in it, and a partial pack of
   another version is deleted, never mixed. A new version waits until the reader taps "update"; it then deletes every
   older pack of the language. Pages are answered from this worker's own pack only, so a page is
   never a mix of two versions; the network is asked only for URLs outside the pack, and nothing
   fetched at run time is stored. */
'use strict';

/* fzstd 0.1.1, a Zstandard decoder (MIT licence; see rightsinfo/vendor/fzstd): defines self.fzstd. */
{{ decoder|safe }}

var VERSION = {{ version|tojson }};
var LANG = {{ lang|tojson }};
var CACHE_PREFIX = 'rightsinfo-' + LANG + '-';
var CACHE_NAME = CACHE_PREFIX + VERSION;
var PACK_URLS = {{ urls|safe }};
var PACK_URL = {{ pack_url|tojson }};
var PARTIAL_MARKER = {{ partial_marker|tojson }}; // in a cache while it is still being filled
var OFFLINE_URL = {{ offline_url|tojson }};
var SEARCH_URL = {{ search_url|tojson }};
var SW_NETWORK_TIMEOUT_MS = 4000; // then a reader with a dying signal gets the offline page
// Leaflets and print packs are rendered when asked for, often for longer than the timeout on a good
// connection: the network is waited for (the browser shows it loading), never taken for offline.
var RENDERED_ON_REQUEST = /\.pdf$/;

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

/* The server no longer serves this version: what was saved of it must go, not be mixed. */
function VersionGone() {
  this.message = 'version ' + VERSION + ' is no longer served';
}

/* Delete the partial packs of other versions of this language; complete ones belong to workers. */
function dropOtherPartialPacks() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.lastIndexOf(CACHE_PREFIX, 0) === 0 && name !== CACHE_NAME;
    }).map(function (name) {
      return caches.open(name).then(function (cache) {
        return cache.keys().then(function (requests) {
          var partial = requests.some(function (saved) {
            return new URL(saved.url).pathname.slice(-'partial.json'.length) === 'partial.json';
          });
          if (partial) return caches.delete(name);
        });
      });
    }));
  });
}

/* Return the set of pack URLs (paths) already in the cache. */
function savedPaths(cache) {
  return cache.keys().then(function (requests) {
    var saved = {};
    requests.forEach(function (request) {
      var url = new URL(request.url);
      saved[url.pathname + url.search] = true;
    });
    return saved;
  });
}

/* Store one line of the pack, unless it is already saved; refuse anything not in the pack. */
function storeLine(cache, saved, line, state) {
  var entry = JSON.parse(line);
  if (!state.head) {
    if (entry.version !== VERSION) throw new VersionGone();
    state.head = entry;
    return Promise.resolve();
  }
  if (PACK_URLS.indexOf(entry.u) === -1 || !isSameOrigin(entry.u)) {
    throw new Error('not in the pack: ' + entry.u);
  }
  if (saved[entry.u]) return Promise.resolve();
  return cache.put(entry.u, new Response(entry.b, { status: 200, headers: entry.h })).then(function () {
    saved[entry.u] = true;
    progress.done += 1;
    tellPages(progressMessage()); // not waited for: the next line need not wait for the pages
  });
}

/* Fetch the pack and store each line as soon as it has been decoded. Lines already saved are
   skipped: after a cut the browser's cache holds the bytes that came and asks only for the rest. */
function fetchPack(cache, saved) {
  // The default cache mode: the browser keeps a cut download's bytes only in its HTTP cache.
  var options = { credentials: 'same-origin', redirect: 'error' };
  return fetch(PACK_URL, options).then(function (response) {
    if (response.status === 404) throw new VersionGone();
    if (!response.ok || response.type !== 'basic' || response.redirected || !response.body) {
      throw new Error(PACK_URL + ': ' + response.status);
    }
    // Read as fast as bytes come, never waiting for the cache: a failed stream drops what it holds
    // unread, and every line that arrived must be kept.
    var reader = response.body.getReader();
    var text = new TextDecoder();
    var state = { head: null, rest: '' };
    var stored = [];
    function take(decoded) {
      var lines = (state.rest + decoded).split('\n');
      state.rest = lines.pop();
      lines.forEach(function (line) { stored.push(storeLine(cache, saved, line, state)); });
    }
    var unpack = new self.fzstd.Decompress(function (chunk) { take(text.decode(chunk, { stream: true })); });
    function next() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          unpack.push(new Uint8Array(0), true);
          return take(text.decode());
        }
        unpack.push(chunk.value); // throws on bytes that are not the pack: the save fails
        return next();
      }, function (error) { return error; });
    }
    return next().then(function (error) {
      return Promise.all(stored).then(function () {
        if (error) throw error;
        if (state.rest) throw new Error('the pack ends part way through a line');
      });
    });
  });
}

/* Save what is missing of this version's pack, keeping whatever arrives. */
function savePack(cache) {
  return cache.put(PARTIAL_MARKER, new Response('{}')).then(function () {
    return savedPaths(cache);
  }).then(function (saved) {
    var missing = PACK_URLS.filter(function (url) { return !saved[url]; });
    progress.done = PACK_URLS.length - missing.length;
    return tellPages(progressMessage()).then(function () {
      if (missing.length) return fetchPack(cache, saved);
    }).then(function () {
      var still = PACK_URLS.filter(function (url) { return !saved[url]; });
      if (still.length) throw new Error('the pack lacks ' + still.join(' '));
      // Deleting the marker is the one step that makes the pack complete.
      return cache.delete(PARTIAL_MARKER);
    });
  });
}

self.addEventListener('install', function (event) {
  progress = { done: 0, total: PACK_URLS.length, failed: false };
  var dropped = dropOtherPartialPacks(); // beside the download: it touches other caches only
  event.waitUntil(
    caches.open(CACHE_NAME)
      .then(savePack)
      .then(function () { return dropped; })
      .catch(function (error) {
        progress.failed = true;
        // A cut keeps what arrived for the next attempt; a version the server dropped goes.
        var cleared = error instanceof VersionGone ? caches.delete(CACHE_NAME) : Promise.resolve();
        return cleared.then(function () {
          return tellPages({ type: 'failed', version: VERSION, reason: String(error && error.message) });
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
    var network = RENDERED_ON_REQUEST.test(url.pathname) ? fetch(request) : fromNetwork(request);
    return network.catch(function () {
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
