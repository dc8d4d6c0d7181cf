/* The recording page: a volunteer reads each section of a page aloud into the phone's microphone.

   One section at a time: Record, Stop, Listen back, Redo, Back and Next. A level meter (Web Audio's
   AnalyserNode) moves while the microphone hears the volunteer, so they know they are heard. Each take
   is kept as the browser's MediaRecorder made it (webm/Opus in Chromium, mp4/AAC on Safari), in memory
   and in the phone's IndexedDB (keyed by language, item and section, with the text hash it read), so a
   reload, or a phone that kills the tab, loses no take; a take of text that has changed since is
   dropped. The stored takes are cleared once the file has been saved or shared.
   At the end the takes and a manifest (language, kind, item, the day, and each section's text and facts
   hashes, all from the page's own HTML) become one zip file, made on the phone with fflate (vendored,
   MIT): offered to the share sheet where the phone can share files, and as a download always.
   Everything the page needs is in its HTML and its two scripts, so once loaded it works offline; it
   sends nothing anywhere: the takes stay on the phone until the volunteer sends the file. */
(function () {
  'use strict';
  var box = document.querySelector('[data-recorder]');
  if (!box) return;
  var sections = Array.prototype.slice.call(box.querySelectorAll('[data-section]'));
  var panel = box.querySelector('[data-panel]');
  var state = box.querySelector('[data-state]');
  var level = box.querySelector('[data-level]');
  var progress = box.querySelector('[data-progress]');
  var playback = box.querySelector('[data-playback]');
  var summary = box.querySelector('[data-summary]');
  var download = box.querySelector('[data-download]');
  var digits = box.getAttribute('data-digits') || '';
  var buttons = {};
  Array.prototype.forEach.call(box.querySelectorAll('[data-action]'), function (button) {
    buttons[button.getAttribute('data-action')] = button;
  });
  var takes = {}; // section key -> {blob, type}
  var TAKES_DB = 'rightsinfo-takes';
  var TAKES_STORE = 'takes';
  var itemPath = [box.getAttribute('data-lang'), box.getAttribute('data-kind'), box.getAttribute('data-item')]
    .join('/');
  var current = 0;
  var stream = null;
  var recorder = null;
  var meterFrame = 0;
  var fileUrl = null;
  var takeUrl = null;

  /* Return a message from the page, its %(name)s placeholders filled, numbers in the reader's digits. */
  function message(name, values) {
    var text = box.getAttribute('data-msg-' + name) || '';
    Object.keys(values || {}).forEach(function (key) {
      text = text.split('%(' + key + ')s').join(localDigits(values[key]));
    });
    return text;
  }

  function localDigits(number) {
    var latin = String(number);
    if (digits.length !== 10) return latin;
    return latin.replace(/[0-9]/g, function (digit) { return digits.charAt(Number(digit)); });
  }

  function say(name, values) {
    state.textContent = message(name, values);
    state.setAttribute('data-state', name);
  }

  /* Show the current section alone, and the controls that fit what has been recorded of it. */
  function show() {
    sections.forEach(function (section, index) { section.hidden = index !== current; });
    progress.textContent = message('part', { num: current + 1, total: sections.length });
    var key = sections[current].getAttribute('data-section');
    var recording = recorder !== null && recorder.state === 'recording';
    buttons.record.hidden = recording || Boolean(takes[key]);
    buttons.stop.hidden = !recording;
    buttons.listen.disabled = recording || !takes[key];
    buttons.redo.disabled = recording || !takes[key];
    buttons.previous.disabled = recording || current === 0;
    buttons.next.disabled = recording || current === sections.length - 1;
    var done = Object.keys(takes).length;
    summary.textContent = message('summary', { done: done, total: sections.length });
    buttons.make.disabled = recording || done === 0;
  }

  /* Open the phone's store of takes; resolves to null where IndexedDB is missing or refused. */
  function openTakes() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var request = window.indexedDB.open(TAKES_DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(TAKES_STORE); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };
    });
  }

  /* Run one change on the store of takes; a failure only means the take lives in memory alone. */
  function changeTakes(change) {
    return openTakes().then(function (db) {
      if (!db) return null;
      return new Promise(function (resolve) {
        var transaction = db.transaction(TAKES_STORE, 'readwrite');
        change(transaction.objectStore(TAKES_STORE));
        transaction.oncomplete = transaction.onerror = transaction.onabort = function () {
          db.close();
          resolve(null);
        };
      });
    }).catch(function () { return null; });
  }

  function takeKey(section) { return itemPath + '/' + section.getAttribute('data-section'); }

  /* Keep a take on the phone as bytes (older Safari cannot store a Blob), with the text it read. */
  function keepTake(section, take) {
    return take.blob.arrayBuffer().then(function (bytes) {
      return changeTakes(function (store) {
        store.put({ bytes: bytes, type: take.type, textHash: section.getAttribute('data-text-hash') },
          takeKey(section));
      });
    }).catch(function () { return null; });
  }

  function forgetTakes(list) {
    return changeTakes(function (store) {
      list.forEach(function (section) { store.delete(takeKey(section)); });
    });
  }

  /* Bring back the takes kept on the phone for today's text of each section; drop those of older text. */
  function restoreTakes() {
    return openTakes().then(function (db) {
      if (!db) return null;
      if (!sections.length) { db.close(); return null; }
      return new Promise(function (resolve) {
        var store = db.transaction(TAKES_STORE, 'readonly').objectStore(TAKES_STORE);
        var stale = [];
        var left = sections.length;
        sections.forEach(function (section) {
          var request = store.get(takeKey(section));
          request.onsuccess = request.onerror = function () {
            var kept = request.result;
            if (kept && kept.textHash === section.getAttribute('data-text-hash')) {
              takes[section.getAttribute('data-section')] = {
                blob: new Blob([kept.bytes], { type: kept.type }), type: kept.type
              };
            } else if (kept) {
              stale.push(section);
            }
            left -= 1;
            if (left === 0) { db.close(); resolve(stale.length ? forgetTakes(stale) : null); }
          };
        });
      });
    }).catch(function () { return null; });
  }

  /* Ask for the microphone once per page; later takes reuse it. */
  function microphone() {
    if (stream) return Promise.resolve(stream);
    say('asking');
    return navigator.mediaDevices.getUserMedia({ audio: true }).then(function (granted) {
      stream = granted;
      startMeter(granted);
      return granted;
    });
  }

  /* Move the meter with the loudness the microphone hears (root mean square of each frame). */
  function startMeter(source) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !level) return;
    var context = new Context();
    var analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(source).connect(analyser);
    var samples = new Float32Array(analyser.fftSize);
    function tick() {
      analyser.getFloatTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; i += 1) sum += samples[i] * samples[i];
      level.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      meterFrame = window.requestAnimationFrame(tick);
    }
    tick();
  }

  function record() {
    var section = sections[current];
    var key = section.getAttribute('data-section');
    microphone().then(function (granted) {
      var chunks = [];
      recorder = new MediaRecorder(granted);
      recorder.ondataavailable = function (event) { if (event.data && event.data.size) chunks.push(event.data); };
      recorder.onstop = function () {
        var type = recorder.mimeType || (chunks[0] && chunks[0].type) || 'audio/webm';
        takes[key] = { blob: new Blob(chunks, { type: type }), type: type };
        keepTake(section, takes[key]);
        recorder = null;
        say('recorded');
        show();
        buttons.listen.focus();
      };
      recorder.onerror = function () { recorder = null; say('failed'); show(); };
      recorder.start();
      say('recording');
      show();
      buttons.stop.focus();
    }).catch(function (error) {
      var name = error && error.name;
      say(name === 'NotAllowedError' || name === 'SecurityError' ? 'refused'
        : name === 'NotFoundError' ? 'no-microphone' : 'failed');
    });
  }

  function listen() {
    var take = takes[sections[current].getAttribute('data-section')];
    if (!take) return;
    if (takeUrl) URL.revokeObjectURL(takeUrl);
    takeUrl = URL.createObjectURL(take.blob);
    playback.src = takeUrl;
    playback.play().catch(function () { say('failed'); });
  }

  function move(step) {
    playback.pause();
    current = Math.max(0, Math.min(sections.length - 1, current + step));
    say(takes[sections[current].getAttribute('data-section')] ? 'recorded' : 'ready');
    show();
    sections[current].querySelector('h2').focus();
  }

  /* The file's extension for a recorder's type: what ffmpeg and a person expect to see. */
  function extension(type) {
    if (type.indexOf('mp4') !== -1 || type.indexOf('aac') !== -1) return 'mp4';
    if (type.indexOf('ogg') !== -1) return 'ogg';
    return 'webm';
  }

  /* The day of the takes as the phone knows it, YYYY-MM-DD. */
  function today() {
    var now = new Date();
    function two(value) { return (value < 10 ? '0' : '') + value; }
    return now.getFullYear() + '-' + two(now.getMonth() + 1) + '-' + two(now.getDate());
  }

  function makeFile() {
    var recorded = sections.filter(function (section) { return takes[section.getAttribute('data-section')]; });
    var day = today();
    var manifest = {
      format: 1,
      lang: box.getAttribute('data-lang'),
      kind: box.getAttribute('data-kind'),
      item: box.getAttribute('data-item'),
      recorded: day,
      takes: recorded.map(function (section) {
        var key = section.getAttribute('data-section');
        return {
          section: key,
          file: key + '.' + extension(takes[key].type),
          text_hash: section.getAttribute('data-text-hash'),
          facts_hash: section.getAttribute('data-facts-hash')
        };
      })
    };
    return Promise.all(manifest.takes.map(function (take) {
      return takes[take.section].blob.arrayBuffer();
    })).then(function (buffers) {
      var files = { 'manifest.json': window.fflate.strToU8(JSON.stringify(manifest, null, 1)) };
      manifest.takes.forEach(function (take, index) { files[take.file] = new Uint8Array(buffers[index]); });
      // Sound is compressed already: stored, not deflated, so a cheap phone makes the file at once.
      var zipped = window.fflate.zipSync(files, { level: 0 });
      var name = ['rightsinfo-recording', manifest.lang, manifest.kind, manifest.item, day.split('-').join('')]
        .join('-') + '.zip';
      offer(new File([zipped], name, { type: 'application/zip' }));
    });
  }

  /* Offer the file: the share sheet where the phone can share files, a download always. */
  function offer(file) {
    if (fileUrl) URL.revokeObjectURL(fileUrl);
    fileUrl = URL.createObjectURL(file);
    download.href = fileUrl;
    download.setAttribute('download', file.name);
    download.hidden = false;
    var canShare = navigator.canShare && navigator.share && navigator.canShare({ files: [file] });
    buttons.share.hidden = !canShare;
    var sent = sections.filter(function (section) { return takes[section.getAttribute('data-section')]; });
    // Once the file is on its way (or saved), the phone need not keep the takes any longer.
    download.onclick = function () { forgetTakes(sent); };
    buttons.share.onclick = function () {
      navigator.share({ files: [file] }).then(function () { forgetTakes(sent); }, function () {});
    };
    say('made');
    (canShare ? buttons.share : download).focus();
  }

  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
    panel.hidden = false;
    Object.keys(buttons).forEach(function (name) { buttons[name].disabled = true; });
    say('unsupported');
    return;
  }
  sections.forEach(function (section) { section.querySelector('h2').setAttribute('tabindex', '-1'); });
  buttons.record.addEventListener('click', record);
  buttons.stop.addEventListener('click', function () { if (recorder) recorder.stop(); });
  buttons.listen.addEventListener('click', listen);
  buttons.redo.addEventListener('click', function () {
    delete takes[sections[current].getAttribute('data-section')];
    forgetTakes([sections[current]]);
    record();
  });
  buttons.previous.addEventListener('click', function () { move(-1); });
  buttons.next.addEventListener('click', function () { move(1); });
  buttons.make.addEventListener('click', function () { makeFile().catch(function () { say('failed'); }); });
  window.addEventListener('pagehide', function () {
    if (meterFrame) window.cancelAnimationFrame(meterFrame);
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
  });
  restoreTakes().then(function () {
    panel.hidden = false;
    say(takes[sections[current].getAttribute('data-section')] ? 'recorded' : 'ready');
    show();
  });
}());
