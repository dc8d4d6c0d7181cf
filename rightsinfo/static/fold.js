/* Search folding for rightsinfo: a copy of rightsinfo/folding.py (the reasons are in its
   docstring). Change both together; tests/test_folding.py checks they agree. */
(function (root) {
  'use strict';
  var MAX_TERMS = 32, MAX_TERM_CHARS = 64, MAX_INPUT_CHARS = 4096;
  var FOLDS = {
    '\u0671': '\u0627', // alef wasla -> alef
    '\u064A': '\u06CC', '\u0649': '\u06CC', // Arabic yeh, alef maksura -> Farsi yeh
    '\u0643': '\u06A9', // Arabic kaf -> keheh
    '\u06AB': '\u06AF', // Pashto kaf with ring -> gaf
    '\u0629': '\u0647', '\u06C3': '\u0647', '\u06C1': '\u0647', '\u06BE': '\u0647', '\u06D5': '\u0647', // -> heh
    '\u0111': 'd', '\u0131': 'i', '\u00DF': 'ss', '\u03C2': '\u03C3' // d with stroke, dotless i
  };
  // Serbian Cyrillic -> folded Latin: SERBIAN_CYRILLIC_FOLDS in folding.py (cyrtranslit's table).
  var CYRILLIC = '\u0430\u0431\u0432\u0433\u0434\u0452\u0435\u0436\u0437\u0438\u0458\u043A\u043B\u0459\u043C\u043D\u045A\u043E\u043F\u0440\u0441\u0442\u045B\u0443\u0444\u0445\u0446\u0447\u045F\u0448';
  var LATIN = 'a b v g d d e z z i j k l lj m n nj o p r s t c u f h c c dz s'.split(' ');
  for (var i = 0; i < LATIN.length; i++) FOLDS[CYRILLIC[i]] = LATIN[i];
  var FOLDABLE = /[\u0671\u064A\u0649\u0643\u06AB\u0629\u06C3\u06C1\u06BE\u06D5\u0111\u0131\u00DF\u03C2\u0430-\u0448\u0452\u0458\u0459\u045A\u045B\u045F]/g;
  // Marks, format controls (ZWNJ, ZWJ, bidi), hamza, high hamza, tatweel.
  var DROPPED = /[\p{M}\p{Cf}\u0621\u0674\u0640]/gu;
  var DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g; // both zeros are at a multiple of 16
  var NOT_WORD = /[^\p{L}\p{N}]+/gu;

  function rightsinfoFold(text) {
    return String(text).normalize('NFKD').toLowerCase()
      .replace(DROPPED, '')
      .replace(DIGITS, function (d) { return String(d.charCodeAt(0) % 16); })
      .replace(FOLDABLE, function (c) { return FOLDS[c]; })
      .replace(NOT_WORD, ' ')
      .trim();
  }

  // The first n code points (as Python slices), never half a surrogate pair.
  function codePoints(text, n) {
    return Array.from(text.slice(0, 2 * n)).slice(0, n).join('');
  }

  function rightsinfoFoldTerms(query) {
    var words = rightsinfoFold(codePoints(String(query), MAX_INPUT_CHARS)).split(' '), terms = [];
    for (var i = 0; i < words.length && terms.length < MAX_TERMS; i++) {
      var term = codePoints(words[i].replace(NOT_WORD, ''), MAX_TERM_CHARS);
      if (term) terms.push(term);
    }
    return terms;
  }

  root.rightsinfoFold = rightsinfoFold;
  root.rightsinfoFoldTerms = rightsinfoFoldTerms;
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { rightsinfoFold: rightsinfoFold, rightsinfoFoldTerms: rightsinfoFoldTerms, FOLDS: FOLDS };
  }
})(typeof globalThis !== 'undefined' ? globalThis : self);
