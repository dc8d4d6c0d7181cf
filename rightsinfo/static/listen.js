/* Read aloud: the "Listen" control of topic pages, organisation pages and the cards.

   It uses the phone's own voices (speechSynthesis): no audio file, no server, so it works offline
   wherever the phone has a voice for the page's language. The control stays hidden unless such a
   voice exists: the exact language, or for Dari (fa-AF) a Persian voice, with a note saying so.
   Voices that arrive late (voiceschanged) show it then.

   The text is read one section at a time (the title and introduction, then each h2 with what
   follows, or each card), one paragraph per utterance, with utterance.lang set to the page's
   language as in <html lang>. The section being read gets class "read-aloud-current" and
   aria-current="true". Phone numbers (tel: links) are read digit by digit. On right-to-left pages
   Latin words (names such as UNHCR, Serbian terms) are read by an English voice when the phone has
   one and skipped when it has none: a Pashto or Urdu voice spells them letter by letter or garbles
   them. Text marked as another language (Serbian sentences on the cards) is never read.

   Where a volunteer recorded a section (data-recordings on the control: the section's key, the
   title and introduction being "intro", each h2 by its id, each card by its id → [address,
   reworded]), that recording plays instead of the phone's voice, through one <audio> element, at
   the chosen speed (0.75–1.25). A reworded recording plays with its note. With recordings the
   control shows even on a phone without a voice, and then reads only the recorded sections. A button
   inside a section (data-read-from, the section's key: a card's own Listen) plays that section's
   recording alone, through the same player and controls. On the home page the control stands above
   the emergency numbers (data-read-key="numbers") and plays their recording. */
(function () {
  'use strict';
  var control = document.querySelector('[data-read-aloud]');
  var root = control && control.nextElementSibling; // the article (or the cards) it reads
  var synth = window.speechSynthesis && window.SpeechSynthesisUtterance ? window.speechSynthesis : null;
  var recordings = control ? JSON.parse(control.getAttribute('data-recordings') || '{}') : {};
  var recorded = Object.keys(recordings).length > 0;
  if (!control || !root || (!synth && !recorded)) return;

  var pageLang = document.documentElement.lang || 'en';
  var pagePrimary = primaryOf(pageLang);
  var rightToLeft = document.documentElement.dir === 'rtl';
  var buttons = {
    start: control.querySelector('[data-read-start]'),
    pause: control.querySelector('[data-read-pause]'),
    resume: control.querySelector('[data-read-resume]'),
    stop: control.querySelector('[data-read-stop]')
  };
  var note = control.querySelector('[data-read-note]');
  var player = control.querySelector('[data-read-audio]');
  var speed = control.querySelector('[data-read-speed]');
  var LATIN_WORD = "[A-Za-z\\u00C0-\\u024F][A-Za-z\\u00C0-\\u024F0-9'\\u2019.&/-]*";
  // A run of Latin words, with the brackets around it ("(asylum)"), which are not read either way.
  var LATIN_RUN = new RegExp('\\(?(' + LATIN_WORD + '(?:[ ]+' + LATIN_WORD + ')*)\\)?', 'g');
  var BLOCKS = /^(P|LI|H1|H2|H3|H4|DT|DD|DIV|SECTION|TR|BLOCKQUOTE)$/;
  var SKIPPED = 'script, style, svg, template, [hidden], [aria-hidden="true"], [data-read-aloud], [data-read-from]';

  var voice = null; // { main: SpeechSynthesisVoice, fallback: bool }
  var englishVoice = null;
  var plan = [];
  var sectionBoxes = null;
  var sectionIndex = 0;
  var chunkIndex = 0;
  var run = 0; // bumped on every start and stop, so events of a cancelled utterance are ignored
  var state = 'idle';

  function primaryOf(tag) {
    return String(tag || '').replace(/_/g, '-').toLowerCase().split('-')[0];
  }

  function tagOf(candidate) {
    return String(candidate.lang || '').replace(/_/g, '-').toLowerCase();
  }

  /* Return the best voice among those matching, on-device voices first (they work offline). */
  function best(voices, matches) {
    var found = voices.filter(matches);
    found.sort(function (a, b) { return Number(Boolean(b.localService)) - Number(Boolean(a.localService)); });
    return found[0] || null;
  }

  /* Return the voice for the page's language: exact, or Persian for Dari as a labelled fallback. */
  function chooseVoice(voices) {
    var wanted = pageLang.toLowerCase();
    var exact = best(voices, function (v) { return tagOf(v) === wanted; });
    if (exact) return { main: exact, fallback: false };
    if (wanted === 'fa-af') {
      var dari = best(voices, function (v) { return primaryOf(v.lang) === 'prs'; });
      if (dari) return { main: dari, fallback: false };
      var persian = best(voices, function (v) { return primaryOf(v.lang) === 'fa'; });
      return persian ? { main: persian, fallback: true } : null;
    }
    var same = best(voices, function (v) { return primaryOf(v.lang) === pagePrimary; });
    return same ? { main: same, fallback: false } : null;
  }

  function refreshVoices() {
    var voices = synth ? Array.prototype.slice.call(synth.getVoices() || []) : [];
    voice = chooseVoice(voices);
    englishVoice = pagePrimary === 'en' ? null : best(voices, function (v) { return primaryOf(v.lang) === 'en'; });
    if (!voice && !recorded && state !== 'idle') stop();
    control.hidden = !voice && !recorded;
    if (state === 'idle') plan = []; // made again with the voices there are now
    showNote(false);
  }

  /* Show the reworded recording's note while one plays, else the fallback voice's note if any. */
  function showNote(reworded) {
    var text = reworded ? control.getAttribute('data-reworded-note')
      : (voice && voice.fallback ? control.getAttribute('data-fallback-note') : '');
    note.textContent = text || '';
    note.hidden = !text;
  }

  /* Return a section's recording key: its data-read-key ("numbers") or id (a card's), an h2's id, or
     "intro" for the first. */
  function keyOf(element, index) {
    if (element.tagName === 'SECTION') return element.getAttribute('data-read-key') || element.id;
    var first = element.firstElementChild;
    if (first && first.tagName === 'H2') return first.id;
    return index === 0 ? 'intro' : '';
  }

  /* Split the root into sections: a <section> root is one; else each <section> alone or a new one at each h2. */
  function sections() {
    if (root.tagName === 'SECTION') return [root]; // the emergency numbers on the home page: one block
    var groups = [];
    var current = null;
    Array.prototype.forEach.call(root.children, function (child) {
      if (child.matches(SKIPPED)) return;
      if (child.tagName === 'SECTION') {
        groups.push([child]);
        current = null;
        return;
      }
      if (child.tagName === 'H2' || !current) {
        current = [];
        groups.push(current);
      }
      current.push(child);
    });
    return groups.map(function (group) {
      if (group.length === 1 && group[0].tagName === 'SECTION') return group[0];
      // Wrap the section's elements in one box that can be marked; margins pass through unchanged.
      var box = document.createElement('div');
      box.className = 'read-section';
      group[0].parentNode.insertBefore(box, group[0]);
      group.forEach(function (element) { box.appendChild(element); });
      return box;
    });
  }

  /* Collect [text, lang] pieces, one block at a time; tel: links become digits with spaces. */
  function pieces(element) {
    var blocks = [];
    var current = [];
    function flush() {
      if (current.length) blocks.push(current);
      current = [];
    }
    function visit(node, lang) {
      if (node.nodeType === Node.TEXT_NODE) {
        current.push([node.data, lang]);
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE || node.matches(SKIPPED)) return;
      var own = node.getAttribute('lang') || lang;
      var block = BLOCKS.test(node.tagName);
      if (block) flush();
      var href = node.tagName === 'A' ? node.getAttribute('href') || '' : '';
      if (href.lastIndexOf('tel:', 0) === 0) {
        current.push([' ' + node.textContent.replace(/[^\p{Nd}+]/gu, '').split('').join(' ') + ' ', own]);
      } else {
        Array.prototype.forEach.call(node.childNodes, function (child) { visit(child, own); });
      }
      if (block) flush();
    }
    var inherited = element.parentNode.closest('[lang]');
    visit(element, inherited ? inherited.getAttribute('lang') : pageLang);
    flush();
    return blocks;
  }

  function tidy(text) {
    return text.replace(/\s+/g, ' ').trim();
  }

  /* Turn one block's pieces into utterance chunks for the voices this phone has. */
  function chunksOf(block) {
    var chunks = [];
    function add(text, lang, chosen) {
      text = tidy(text);
      if (!/[\p{L}\p{N}]/u.test(text)) return;
      var last = chunks[chunks.length - 1];
      if (last && last.voice === chosen) last.text = tidy(last.text + ' ' + text);
      else chunks.push({ text: text, lang: lang, voice: chosen });
    }
    block.forEach(function (piece) {
      var primary = primaryOf(piece[1]);
      if (primary === 'und') {
        // A Latin run the build isolated (<bdi lang="und-Latn">): a name or a Serbian term, read by an
        // English voice where there is one, without its brackets, and otherwise skipped.
        if (englishVoice) add(piece[0].replace(/[()[\]]/g, ' '), 'en', englishVoice);
      } else if (primary === 'en' && pagePrimary !== 'en') {
        if (englishVoice) add(piece[0], 'en', englishVoice);
      } else if (primary === pagePrimary) {
        if (!rightToLeft) return add(piece[0], pageLang, voice.main);
        var at = 0;
        piece[0].replace(LATIN_RUN, function (whole, latin, offset) {
          add(piece[0].slice(at, offset), pageLang, voice.main);
          if (englishVoice) add(latin, 'en', englishVoice);
          at = offset + whole.length;
          return whole;
        });
        add(piece[0].slice(at), pageLang, voice.main);
      }
      // Any other language (the Serbian sentences) is not read.
    });
    return chunks;
  }

  function makePlan() {
    sectionBoxes = sectionBoxes || sections(); // wrapped once: a second wrapping would nest them
    return sectionBoxes.map(function (section, index) {
      var chunks = [];
      if (voice) pieces(section).forEach(function (block) { chunks = chunks.concat(chunksOf(block)); });
      var recording = recordings[keyOf(section, index)] || null;
      return { element: section, chunks: chunks, recording: recording };
    }).filter(function (section) { return section.chunks.length || section.recording; });
  }

  function mark(index) {
    plan.forEach(function (section, i) {
      var current = i === index;
      section.element.classList.toggle('read-aloud-current', current);
      if (current) section.element.setAttribute('aria-current', 'true');
      else section.element.removeAttribute('aria-current');
    });
  }

  function show(next) {
    var hadFocus = control.contains(document.activeElement);
    state = next;
    buttons.start.hidden = next !== 'idle';
    buttons.pause.hidden = next !== 'playing';
    buttons.resume.hidden = next !== 'paused';
    buttons.stop.hidden = next === 'idle';
    // Keep the keyboard and screen-reader focus on the control when the tapped button disappears.
    if (hadFocus) ({ idle: buttons.start, playing: buttons.pause, paused: buttons.resume })[next].focus();
  }

  function rate() {
    return speed ? Number(speed.value) || 1 : 1;
  }

  /* Play a section's recording whole, then go on with the next section. */
  function playRecording(myRun) {
    var recording = plan[sectionIndex].recording;
    showNote(Boolean(recording[1]));
    player.onended = function () {
      if (myRun !== run) return;
      sectionIndex += 1;
      chunkIndex = 0;
      speakNext(myRun);
    };
    player.onerror = player.onended;
    player.src = recording[0];
    player.playbackRate = rate();
    var playing = player.play();
    if (playing && playing.catch) playing.catch(function () {});
  }

  function speakNext(myRun) {
    if (myRun !== run) return;
    while (sectionIndex < plan.length && !plan[sectionIndex].recording &&
           chunkIndex >= plan[sectionIndex].chunks.length) {
      sectionIndex += 1;
      chunkIndex = 0;
    }
    if (sectionIndex >= plan.length) return stop();
    mark(sectionIndex);
    if (plan[sectionIndex].recording) return playRecording(myRun);
    showNote(false);
    var chunk = plan[sectionIndex].chunks[chunkIndex];
    var utterance = new SpeechSynthesisUtterance(chunk.text);
    utterance.lang = chunk.lang;
    utterance.voice = chunk.voice;
    utterance.rate = rate();
    function next() {
      if (myRun !== run) return;
      chunkIndex += 1;
      speakNext(myRun);
    }
    utterance.onend = next;
    utterance.onerror = function (event) {
      if (event && (event.error === 'interrupted' || event.error === 'canceled')) return;
      next();
    };
    synth.speak(utterance);
  }

  function silence() {
    if (synth) synth.cancel();
    if (player) {
      player.onended = player.onerror = null;
      player.pause();
    }
  }

  /* Read the whole page, or, from a section's own button, play that section's recording alone. */
  function start(event) {
    var own = event && event.currentTarget.getAttribute('data-read-from');
    if (!voice && !recorded) return;
    run += 1;
    silence();
    if (own) plan = [{ element: event.currentTarget.closest('section'), chunks: [], recording: recordings[own] }];
    else plan = makePlan();
    if (!plan.length) return; // nothing here recorded or in a language this phone can speak
    sectionIndex = 0;
    chunkIndex = 0;
    show('playing');
    speakNext(run);
  }

  function stop() {
    run += 1;
    silence();
    mark(-1);
    showNote(false);
    show('idle');
  }

  function onRecording() {
    return player && plan[sectionIndex] && plan[sectionIndex].recording;
  }

  buttons.start.addEventListener('click', start);
  Array.prototype.forEach.call(document.querySelectorAll('[data-read-from]'), function (button) {
    if (!recordings[button.getAttribute('data-read-from')]) return;
    button.hidden = false;
    button.addEventListener('click', start);
  });
  buttons.pause.addEventListener('click', function () {
    if (onRecording()) player.pause();
    else synth.pause();
    show('paused');
  });
  buttons.resume.addEventListener('click', function () {
    if (onRecording()) player.play();
    else synth.resume();
    show('playing');
  });
  if (speed) speed.addEventListener('change', function () { if (player) player.playbackRate = rate(); });
  buttons.stop.addEventListener('click', stop);
  // Browsers go on speaking after the reader leaves the page.
  window.addEventListener('pagehide', function () { if (state !== 'idle') stop(); });

  refreshVoices();
  if (!synth) return;
  if (synth.addEventListener) synth.addEventListener('voiceschanged', refreshVoices);
  else synth.onvoiceschanged = refreshVoices;
})();
