/* The offline state shown at the foot of every page. It registers the language's service worker
   (/<lang>/sw.js), shows "Saving for offline use: 12 of 30" while the worker saves the pack, "Saved
   on your phone" once it is active, and "New information available — tap to update" when a new
   version waits. Once the pack is complete it asks the browser to keep it (navigator.storage.persist),
   shows its size and the free space, and says plainly what a refusal means; when the phone has not
   reached the server for 30 days it says so, and after 90 days on top of every page. The dates are
   the phone's own, kept on the phone; nothing is sent anywhere to decide them. Every string, and the digits, come from data attributes rendered in the reader's
   language; without a service worker the element stays hidden and the site works online. */
(function () {
  'use strict';
  var box = document.querySelector('[data-offline-state]');
  if (!box) return;
  if (!('serviceWorker' in navigator)) return; // stays "unsupported" and hidden

  var text = box.querySelector('[data-offline-text]');
  var saveButton = box.querySelector('[data-offline-save]');
  var updateButton = box.querySelector('[data-offline-update]');
  var container = navigator.serviceWorker;
  var digits = box.getAttribute('data-digits') || '';
  var scope = box.getAttribute('data-scope');
  var registration = null;
  var tracked = [];
  var hadController = Boolean(container.controller);
  var updateRequested = false;
  var reloading = false;

  /* Write a number in the reader's digits (Latin when the page names none). */
  function localDigits(number) {
    var latin = String(number);
    if (digits.length !== 10) return latin;
    return latin.replace(/[0-9]/g, function (digit) { return digits.charAt(Number(digit)); });
  }

  /* Show one state: its attribute value for tests and styles, its text and its one button. */
  function show(state, message) {
    box.setAttribute('data-offline-state', state);
    box.hidden = false;
    text.textContent = message || '';
    saveButton.hidden = state !== 'failed' && state !== 'not-saved';
    updateButton.hidden = state !== 'update-available';
  }

  /* Show saving progress, e.g. "Saving for offline use: ۱۲ of ۳۰". */
  function showProgress(done, total) {
    var template = box.getAttribute('data-saving') || '';
    show('saving', template.replace('%(done)s', localDigits(done)).replace('%(total)s', localDigits(total)));
  }

  /* Follow a worker's state changes (installed, activated, redundant) once. */
  function track(worker) {
    if (!worker || tracked.indexOf(worker) !== -1) return;
    tracked.push(worker);
    worker.addEventListener('statechange', refresh);
  }

  /* Work out the state from the registration's workers. */
  function refresh() {
    if (!registration) return;
    var installing = registration.installing;
    var waiting = registration.waiting;
    var active = registration.active;
    [installing, waiting, active].forEach(track);
    if (waiting && active) {
      show('update-available');
    } else if (installing || waiting) {
      if (box.getAttribute('data-offline-state') !== 'saving') show('saving');
      if (installing) installing.postMessage({ type: 'STATUS' });
    } else if (active && active.state === 'activated') {
      show('ready', box.getAttribute('data-ready'));
      whenComplete();
    } else if (!active) {
      show('failed', box.getAttribute('data-failed'));
    }
  }

  /* The day the phone last reached the server and knew its pack current, kept on the phone only. */
  var CHECKED_KEY = 'rightsinfo-checked-' + scope;
  var DAY_MS = 86400000;
  var AGED_DAYS = Number(box.getAttribute('data-aged-days'));
  var OLD_DAYS = Number(box.getAttribute('data-old-days'));
  var completed = false;

  function lastChecked() {
    try {
      return Number(localStorage.getItem(CHECKED_KEY)) || 0;
    } catch (error) {
      return 0;
    }
  }

  function noteChecked() {
    try {
      localStorage.setItem(CHECKED_KEY, String(Date.now()));
    } catch (error) { /* storage refused: the age is then measured from the last known check */ }
  }

  /* Say how old the saved pack is: after AGED_DAYS in the footer, after OLD_DAYS at the top of the page. */
  function showAge() {
    var checked = lastChecked();
    var days = checked ? Math.floor((Date.now() - checked) / DAY_MS) : 0;
    if (days >= AGED_DAYS) show('ready', box.getAttribute('data-aged'));
    box.setAttribute('data-offline-age', days >= OLD_DAYS ? 'old' : days >= AGED_DAYS ? 'aged' : 'fresh');
    var banner = document.querySelector('[data-offline-old]');
    if (days >= OLD_DAYS && !banner) {
      banner = document.createElement('p');
      banner.className = 'notice notice-warn offline-old';
      banner.setAttribute('role', 'alert');
      banner.setAttribute('data-offline-old', '');
      banner.textContent = box.getAttribute('data-old');
      var main = document.querySelector('main') || document.body;
      main.insertBefore(banner, main.firstChild);
    }
  }

  /* Show the pack's size and the phone's free space, and say what a refusal to keep it means. */
  function showStorage(persisted) {
    var storage = navigator.storage;
    if (!storage || !storage.estimate) return;
    storage.estimate().then(function (estimate) {
      var used = Math.max(1, Math.round((estimate.usage || 0) / 1024));
      var free = Math.max(0, Math.floor(((estimate.quota || 0) - (estimate.usage || 0)) / 1048576));
      var line = (box.getAttribute('data-size') || '')
        .replace('%(size)s', localDigits(used)).replace('%(free)s', localDigits(free));
      if (!persisted) line += ' ' + (box.getAttribute('data-not-kept') || '');
      var note = box.querySelector('[data-offline-storage]');
      note.textContent = line;
      note.hidden = false;
      box.setAttribute('data-offline-kept', persisted ? 'yes' : 'no');
    }, function () {});
  }

  /* Once the pack is complete: ask the browser to keep it, check for news once a day, say its age. */
  function whenComplete() {
    if (completed) return showAge();
    completed = true;
    var storage = navigator.storage;
    var asked = storage && storage.persisted ? storage.persisted().then(function (kept) {
      return kept || (storage.persist ? storage.persist() : false);
    }) : Promise.resolve(false);
    asked.then(showStorage, function () { showStorage(false); });
    if (!lastChecked()) noteChecked(); // the pack was saved just now, from the server
    if (Date.now() - lastChecked() >= DAY_MS && registration) {
      // Reaching the server for the worker's script means the phone knows whether its pack is current.
      registration.update().then(function () { noteChecked(); showAge(); }, function () {});
    }
    showAge();
  }

  /* Register (or re-check) the worker; an explicit tap also asks for a fresh copy. */
  function register(explicit) {
    container
      .register(box.getAttribute('data-worker'), { scope: scope, updateViaCache: 'none' })
      .then(function (found) {
        if (registration !== found) {
          registration = found;
          found.addEventListener('updatefound', refresh);
        }
        refresh();
        if (explicit && found.active && !found.installing && !found.waiting) return found.update();
      })
      .catch(function () { show('failed', box.getAttribute('data-failed')); });
  }

  container.addEventListener('message', function (event) {
    var data = event.data || {};
    if (data.type === 'progress' && registration && registration.installing) {
      showProgress(data.done, data.total);
    }
  });
  container.addEventListener('controllerchange', function () {
    // A new version took over: reload so the page is never a mix of two versions. The first
    // worker taking over a page the network served changes nothing the reader sees.
    if ((hadController || updateRequested) && !reloading) {
      reloading = true;
      location.reload();
      return;
    }
    hadController = true;
    refresh();
  });
  container.startMessages();

  /* The recordings pack: offered once the pages are saved, with its size; saved by the worker on
     request, with progress in MB, resumed file by file, removed with one tap. */
  var audioBox = box.querySelector('[data-audio-box]');
  var decimal = box.getAttribute('data-decimal') || '.';
  /* Write a size in MB to one decimal place, with the reader's decimal separator and digits: a whole
     size rounded up (a small pack is 0.1 MB, never 0.0), what has arrived rounded down (never ahead). */
  function megabytes(bytes, round) {
    return localDigits((round(bytes / 100000) / 10).toFixed(1).replace('.', decimal));
  }
  function showAudio(data) {
    var text = audioBox.querySelector('[data-audio-text]');
    var saved = data.done >= data.total && data.total > 0;
    var saving = !saved && !data.failed && data.done > 0;
    var message = data.failed ? audioBox.getAttribute('data-audio-failed')
      : saved ? audioBox.getAttribute('data-audio-saved').replace('%(size)s', megabytes(data.total, Math.ceil))
      : saving ? audioBox.getAttribute('data-audio-saving').replace('%(done)s', megabytes(data.done, Math.floor))
        .replace('%(total)s', megabytes(data.total, Math.ceil)) : '';
    text.textContent = message;
    audioBox.setAttribute('data-audio-state', data.failed ? 'failed' : saved ? 'saved' : saving ? 'saving' : 'not-saved');
    audioBox.querySelector('[data-audio-save]').hidden = saved || saving;
    audioBox.querySelector('[data-audio-remove]').hidden = !saved;
  }
  if (audioBox) {
    container.addEventListener('message', function (event) {
      if ((event.data || {}).type === 'audio') showAudio(event.data);
    });
    container.ready.then(function (ready) {
      audioBox.hidden = false;
      if (ready.active) ready.active.postMessage({ type: 'AUDIO_STATUS' });
    });
    audioBox.querySelector('[data-audio-save]').addEventListener('click', function () {
      container.ready.then(function (ready) { ready.active.postMessage({ type: 'SAVE_AUDIO' }); });
    });
    audioBox.querySelector('[data-audio-remove]').addEventListener('click', function () {
      container.ready.then(function (ready) { ready.active.postMessage({ type: 'REMOVE_AUDIO' }); });
    });
  }

  updateButton.addEventListener('click', function () {
    if (!registration || !registration.waiting) return;
    updateRequested = true;
    updateButton.disabled = true;
    registration.waiting.postMessage({ type: 'SKIP_WAITING' });
  });
  saveButton.addEventListener('click', function () { register(true); });
  // A save cut off by a lost signal carries on, from what arrived, as soon as the signal is back.
  window.addEventListener('online', function () {
    if (registration || box.getAttribute('data-offline-state') === 'failed') register(true);
  });

  // A reader who asked the phone to save data (Data Saver) saves the pack only when they tap.
  var saveData = navigator.connection && navigator.connection.saveData;
  container.getRegistration(scope).then(function (existing) {
    if (!existing && saveData) {
      show('not-saved');
    } else {
      register(false);
    }
  }, function () { register(false); });
})();

/* Send to a friend: the footer link to the one-file guide (/<lang>/guide.html). Where the phone can
   share files (navigator.canShare), a tap hands the guide to the share sheet as a file, for
   WhatsApp, Signal or Bluetooth; elsewhere it downloads the file. Either way the script keeps the
   copy it fetched in its own cache, so the next tap works without a connection; offline, before
   any copy exists, it says that the guide needs a connection once. The guide is not in the offline
   pack: it would take the pack past its budget. A QR code of the page's public address, for a second
   phone to scan, opens below the link. */
(function () {
  'use strict';
  var QR_SIZE_PX = 164;
  var box = document.querySelector('[data-share-guide]');
  if (!box) return;
  var qr = box.querySelector('[data-share-qr]');
  if (qr) {
    qr.hidden = false;
    // The QR code of this page's public address, fetched from this site only when opened.
    qr.addEventListener('toggle', function () {
      if (!qr.open || qr.querySelector('img')) return;
      var image = document.createElement('img');
      image.src = qr.getAttribute('data-share-qr');
      image.width = image.height = QR_SIZE_PX;
      image.alt = qr.querySelector('summary').textContent;
      var address = document.createElement('bdi');
      address.dir = 'ltr';
      address.className = 'url';
      address.textContent = qr.getAttribute('data-address');
      qr.appendChild(image);
      qr.appendChild(address);
    });
  }
  if (!window.fetch || !window.Blob) return; // the plain download link stays
  var link = box.querySelector('[data-share-file]');
  var note = box.querySelector('[data-share-note]');
  var url = link.getAttribute('href');
  var name = link.getAttribute('download');
  // Not "rightsinfo-<lang>-…": the service worker deletes those caches when a new pack arrives.
  var GUIDE_CACHE = 'rightsinfo-guide';
  var DOWNLOAD_URL_LIFETIME_MS = 60000;

  function canShareFiles() {
    try {
      return Boolean(navigator.canShare && navigator.share &&
        navigator.canShare({ files: [new File([''], name, { type: 'text/html' })] }));
    } catch (error) {
      return false;
    }
  }

  function say(text) {
    note.textContent = text || '';
    note.hidden = !text;
  }

  function saved() {
    if (!window.caches) return Promise.resolve(undefined);
    return caches.open(GUIDE_CACHE).then(function (cache) { return cache.match(url); }, function () {});
  }

  /* Fetch the guide and keep a copy; a failed fetch or a copy that cannot be kept is not fatal. */
  function fetched() {
    return fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error(url + ': ' + response.status);
      if (!window.caches) return response;
      var copy = response.clone();
      return caches.open(GUIDE_CACHE)
        .then(function (cache) { return cache.put(url, copy); })
        .then(function () { return response; }, function () { return response; });
    });
  }

  /* The guide as a Blob: a fresh copy online, the kept copy offline (or when the network fails). */
  function guide() {
    var first = navigator.onLine === false ? saved().then(function (copy) { return copy || fetched(); }) : fetched();
    return first.catch(saved).then(function (response) {
      if (!response) throw new Error('no copy of the guide on this phone');
      return response.blob();
    });
  }

  function download(blob) {
    var anchor = document.createElement('a');
    anchor.href = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
    anchor.download = name;
    anchor.hidden = true;
    document.body.appendChild(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(function () { URL.revokeObjectURL(anchor.href); }, DOWNLOAD_URL_LIFETIME_MS);
  }

  link.addEventListener('click', function (event) {
    event.preventDefault();
    say('');
    guide().then(function (blob) {
      var file = new File([blob], name, { type: 'text/html' });
      if (!canShareFiles() || !navigator.canShare({ files: [file] })) return download(blob);
      return navigator.share({ files: [file] }).catch(function (error) {
        // The reader closed the sheet: nothing to do. Anything else (e.g. the tap's permission ran
        // out while the guide downloaded): save the file instead, so the tap is never lost.
        if (!error || error.name !== 'AbortError') download(blob);
      });
    }, function () {
      say(box.getAttribute('data-needs-connection'));
    });
  });
})();
