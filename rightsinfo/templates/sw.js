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
   fetched at run time is stored.

   The recordings pack is saved only when the reader asks ("SAVE_AUDIO"): each recording of the
   language into one cache of its own (its files are named by their hash, so a new text version
   keeps them), one file after another with progress in bytes; a cut save keeps every whole file
   and the next asks only for the rest; files no longer listed are dropped, so the cache holds one
   version. "/audio/" is answered from it, a Range request (Chromium's <audio> sends bytes=0-) with
   a 206 cut from the whole file. */
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
var AUDIO_CACHE = 'rightsinfo-audio-' + LANG; // not CACHE_PREFIX: a new text version keeps it
var AUDIO_FILES = {{ audio|safe }}; // [address, bytes] of every recording that may play
var AUDIO_PREFIX = '/audio/';

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

/* Ask for the pack. The default cache mode: the browser keeps a cut download's bytes only in its HTTP
   cache, and asks only for the rest next time. */
function requestPack() {
  var controller = new AbortController();
  var options = { credentials: 'same-origin', redirect: 'error', signal: controller.signal };
  var answer = fetch(PACK_URL, options);
  answer.catch(function () {}); // a failure is reported where the answer is read
  return { answer: answer, abort: function () { controller.abort(); } };
}

/* Read the pack as it arrives and store each line as soon as it has been decoded. Lines already
   saved are skipped. */
function readPack(answer, cache, saved) {
  return answer.then(function (response) {
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
function savePack(pack, cache) {
  return cache.put(PARTIAL_MARKER, new Response('{}')).then(function () {
    return savedPaths(cache);
  }).then(function (saved) {
    var missing = PACK_URLS.filter(function (url) { return !saved[url]; });
    progress.done = PACK_URLS.length - missing.length;
    tellPages(progressMessage()); // not waited for: the pack is already on its way
    if (!missing.length) pack.abort(); // every line came before a cut: only the marker is left
    var read = missing.length ? readPack(pack.answer, cache, saved) : Promise.resolve();
    return read.then(function () {
      var still = PACK_URLS.filter(function (url) { return !saved[url]; });
      if (still.length) throw new Error('the pack lacks ' + still.join(' '));
      // Deleting the marker is the one step that makes the pack complete.
      return cache.delete(PARTIAL_MARKER);
    });
  });
}

self.addEventListener('install', function (event) {
  progress = { done: 0, total: PACK_URLS.length, failed: false };
  // The pack is asked for first: on a slow link its round trip is the longest wait of a save, and
  // the cache's own steps (open it, mark it partial, list what it has) can happen meanwhile.
  var pack = requestPack();
  var dropped = dropOtherPartialPacks(); // beside the download: it touches other caches only
  event.waitUntil(
    caches.open(CACHE_NAME)
      .then(function (cache) { return savePack(pack, cache); })
      .then(function () { return dropped; })
      .catch(function (error) {
        pack.abort(); // a failed save stops downloading
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
  } else if (data.type === 'SAVE_AUDIO') {
    event.waitUntil(saveAudio());
  } else if (data.type === 'REMOVE_AUDIO') {
    event.waitUntil(caches.delete(AUDIO_CACHE).then(function () { return tellAudio(0, false); }));
  } else if (data.type === 'AUDIO_STATUS') {
    event.waitUntil(audioSaved().then(function (saved) { return tellAudio(saved.bytes, false); }));
  }
});

function audioTotal() {
  return AUDIO_FILES.reduce(function (sum, file) { return sum + file[1]; }, 0);
}

function tellAudio(done, failed) {
  return tellPages({ type: 'audio', done: done, total: audioTotal(), failed: failed });
}

/* Return what the recordings cache holds of today's list: the addresses and their bytes. */
function audioSaved() {
  return caches.open(AUDIO_CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      var have = {};
      requests.forEach(function (request) { have[new URL(request.url).pathname] = true; });
      var bytes = 0;
      AUDIO_FILES.forEach(function (file) { if (have[file[0]]) bytes += file[1]; });
      return { cache: cache, requests: requests, have: have, bytes: bytes };
    });
  });
}

/* Save every recording not yet saved, one at a time, telling pages the bytes saved after each. */
function saveAudio() {
  return audioSaved().then(function (saved) {
    var listed = {};
    AUDIO_FILES.forEach(function (file) { listed[file[0]] = true; });
    var old = saved.requests.filter(function (request) { return !listed[new URL(request.url).pathname]; });
    var done = saved.bytes;
    var chain = Promise.all(old.map(function (request) { return saved.cache.delete(request); }))
      .then(function () { return tellAudio(done, false); });
    AUDIO_FILES.filter(function (file) { return !saved.have[file[0]]; }).forEach(function (file) {
      chain = chain.then(function () {
        return fetch(file[0]).then(function (response) {
          if (response.status !== 200) throw new Error('status ' + response.status);
          return saved.cache.put(file[0], response);
        }).then(function () {
          done += file[1];
          return tellAudio(done, false);
        });
      });
    });
    return chain.catch(function () { return tellAudio(done, true); });
  });
}

/* Answer a saved recording, the part a Range header asks for (206) or the whole file. */
function fromAudio(request, saved) {
  var range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.get('Range') || '');
  if (!range) return saved;
  return saved.arrayBuffer().then(function (body) {
    var start = Number(range[1]);
    var end = range[2] ? Math.min(Number(range[2]), body.byteLength - 1) : body.byteLength - 1;
    if (start > end) {
      return new Response('', { status: 416, headers: { 'Content-Range': 'bytes */' + body.byteLength } });
    }
    return new Response(body.slice(start, end + 1), {
      status: 206,
      headers: {
        'Content-Type': saved.headers.get('Content-Type') || 'audio/webm',
        'Content-Range': 'bytes ' + start + '-' + end + '/' + body.byteLength,
        'Content-Length': String(end - start + 1),
        'Accept-Ranges': 'bytes'
      }
    });
  });
}

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
  if (url.pathname.lastIndexOf(AUDIO_PREFIX, 0) === 0) {
    return caches.match(url.pathname, { cacheName: AUDIO_CACHE }).then(function (saved) {
      return saved ? fromAudio(request, saved) : fetch(request);
    });
  }
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
