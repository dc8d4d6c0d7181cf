/* The offline state shown at the foot of every page. It registers the language's service worker
   (/<lang>/sw.js), shows "Saving for offline use: 12 of 30" while the worker saves the pack, "Saved
   on your phone" once it is active, and "New information available — tap to update" when a new
   version waits. Every string, and the digits, come from data attributes rendered in the reader's
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
    } else if (!active) {
      show('failed', box.getAttribute('data-failed'));
    }
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
