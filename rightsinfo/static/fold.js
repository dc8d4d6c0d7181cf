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
    '\u0111': 'd', '\u00DF': 'ss', '\u03C2': '\u03C3'
  };
  var FOLDABLE = /[\u0671\u064A\u0649\u0643\u06AB\u0629\u06C3\u06C1\u06BE\u06D5\u0111\u00DF\u03C2]/g;
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
    module.exports = { rightsinfoFold: rightsinfoFold, rightsinfoFoldTerms: rightsinfoFoldTerms };
  }
})(typeof globalThis !== 'undefined' ? globalThis : self);
