/* Contacts that have become "may be out of date" since the page was made. A page read from the
   offline pack was made on the day it was saved, a one-file guide on the day it was published; each
   contact not yet stale then carries the day it will be (data-stale-from), and the phone's own date
   decides, so an offline reader sees the flag the day it becomes true. It only adds flags: a phone
   whose clock is behind never hides one. The flag's words come from the page (data-stale). Pages get
   this file at the head of offline.js (assets.py), the guide inline, allowed by its hash (guide.py). */
(function () {
  'use strict';
  var source = document.querySelector('[data-stale]');
  if (!source) return;
  var now = new Date();
  function two(number) { return (number < 10 ? '0' : '') + number; }
  var today = now.getFullYear() + '-' + two(now.getMonth() + 1) + '-' + two(now.getDate());
  Array.prototype.forEach.call(document.querySelectorAll('[data-stale-from]'), function (item) {
    if (today < item.getAttribute('data-stale-from') || item.querySelector('.stale')) return;
    var flag = document.createElement('strong');
    flag.className = 'stale';
    flag.textContent = source.getAttribute('data-stale');
    var checked = item.querySelector('.checked');
    if (checked) checked.insertAdjacentElement('afterend', flag); else item.appendChild(flag);
  });
})();
