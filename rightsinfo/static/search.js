/* Offline search for rightsinfo. When the search page comes from the phone's saved pack, the
   server did not see the query, so this script answers it from the language's search pack
   (/<lang>/search-pack.json), folding the query with fold.js exactly as the server folds its
   index. When the server already rendered results (no service worker), they stay untouched.
   Results are built with DOM calls, never innerHTML: titles and queries are data. */
(function () {
  'use strict';
  var RESULTS_LIMIT = 20; // as search_index.RESULTS_LIMIT on the server
  var QUERY_MAX_CHARS = 200; // as search.QUERY_MAX_CHARS

  var results = document.getElementById('results');
  if (!results || typeof rightsinfoFoldTerms !== 'function') return;
  var query = (new URLSearchParams(location.search).get('q') || '').slice(0, QUERY_MAX_CHARS);
  var serverQuery = results.getAttribute('data-query') || '';
  if (!query.trim() || serverQuery.trim()) return; // nothing asked, or the server answered
  var terms = rightsinfoFoldTerms(query);
  var input = document.getElementById('q');
  if (input) input.value = query;
  var nothingFound = document.getElementById('nothing-found'); // what to try, drawn by the server

  /* Return the server's suggestions for an empty result, its mail link (if any) carrying the query. */
  function suggestions() {
    var fragment = nothingFound.content.cloneNode(true);
    var mail = fragment.querySelector('a[data-mailto]');
    if (mail) mail.href = mail.getAttribute('data-mailto') + encodeURIComponent(query);
    return fragment;
  }

  /* Return how many terms are a prefix of at least one of the folded words. */
  function matchedTerms(words) {
    var count = 0;
    for (var i = 0; i < terms.length; i++) {
      for (var j = 0; j < words.length; j++) {
        if (words[j].lastIndexOf(terms[i], 0) === 0) { count++; break; }
      }
    }
    return count;
  }

  /* Return whether a word as written matches a term once folded (as the server's snippet). */
  function isMatch(word) {
    var folded = rightsinfoFold(word).split(' ');
    for (var i = 0; i < folded.length; i++) {
      if (!folded[i]) continue;
      for (var j = 0; j < terms.length; j++) {
        if (folded[i].lastIndexOf(terms[j], 0) === 0) return true;
      }
    }
    return false;
  }

  /* Append text to an element with every matched word wrapped in <mark>. */
  function appendMarked(element, text) {
    var parts = String(text).split(/(\s+)/);
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] && !/^\s+$/.test(parts[i]) && isMatch(parts[i])) {
        var mark = document.createElement('mark');
        mark.textContent = parts[i];
        element.appendChild(mark);
      } else if (parts[i]) {
        element.appendChild(document.createTextNode(parts[i]));
      }
    }
  }

  /* Return an entry's group, as the server orders them: a word on papers the query names exactly
     (in either script, as copied off the paper), then the topics, then everything else. */
  function group(entry) {
    if (entry.x && entry.x.indexOf('|' + terms.join(' ') + '|') !== -1) return 0;
    return entry.k === 'page' ? 1 : 2;
  }

  /* Rank the pack's entries: by group, all terms before some terms, title matches first, pack order last. */
  function rank(entries) {
    var scored = [];
    entries.forEach(function (entry, index) {
      var inAll = matchedTerms(String(entry.w).split(' '));
      if (!inAll) return;
      var inTitle = matchedTerms(rightsinfoFold(entry.t).split(' '));
      scored.push({ entry: entry, group: group(entry), all: inAll, title: inTitle, index: index });
    });
    var complete = scored.filter(function (hit) { return hit.all === terms.length; });
    var chosen = complete.length ? complete : scored; // like the server: any term when none has all
    chosen.sort(function (a, b) {
      return a.group - b.group || b.all - a.all || b.title - a.title || a.index - b.index;
    });
    return chosen.slice(0, RESULTS_LIMIT).map(function (hit) { return hit.entry; });
  }

  /* Replace the server's empty-query content with the offline results. */
  function render(hits) {
    var status = document.createElement('p');
    status.setAttribute('role', 'status');
    status.textContent = results.getAttribute(hits.length ? 'data-found' : 'data-none');
    var list = document.createElement('ol');
    list.className = 'hits';
    hits.forEach(function (entry) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = entry.u;
      appendMarked(link, entry.t);
      item.appendChild(link);
      if (entry.s) {
        var summary = document.createElement('p');
        appendMarked(summary, entry.s);
        item.appendChild(summary);
      }
      if (entry.l) {
        item.lang = entry.l;
        item.dir = 'ltr';
      }
      if (entry.r) { // the Serbian term of a word on papers, beside the reader's name for it
        var serbian = document.createElement('bdi');
        serbian.className = 'hit-sr';
        serbian.lang = 'sr';
        serbian.dir = 'ltr';
        serbian.textContent = entry.r;
        link.after(' ', serbian);
        if (entry.n) { // no source prints that Serbian name: said as the papers page says it
          var unconfirmed = document.createElement('p');
          unconfirmed.className = 'hit-unconfirmed';
          unconfirmed.textContent = results.getAttribute('data-unconfirmed');
          serbian.after(unconfirmed);
        }
      }
      list.appendChild(item);
    });
    results.replaceChildren(status, list);
    if (!hits.length && nothingFound) results.appendChild(suggestions());
    results.setAttribute('data-search', 'offline');
  }

  if (!terms.length) return;
  fetch(results.getAttribute('data-pack'))
    .then(function (response) {
      if (!response.ok) throw new Error('search pack: ' + response.status);
      return response.json();
    })
    .then(function (pack) { render(rank(pack.entries || [])); })
    .catch(function () { /* the page still shows the topics to browse */ });
})();
