/* Alerts hold from one day to another. A page saved for offline use keeps the alerts of the day it
   was saved, so this hides each alert that is not in force on the phone's own date (and the "Important
   news" box when none is left). The dates come from the page (data-alert-starts, data-alert-ends);
   nothing is sent anywhere. */
(function () {
  'use strict';

  /* Return the phone's date as YYYY-MM-DD, in its own time zone, to compare with the alerts' days. */
  function today() {
    var now = new Date();
    function two(number) { return (number < 10 ? '0' : '') + number; }
    return now.getFullYear() + '-' + two(now.getMonth() + 1) + '-' + two(now.getDate());
  }

  var day = today();
  var alerts = document.querySelectorAll('[data-alert-ends]');
  for (var i = 0; i < alerts.length; i++) {
    var alert = alerts[i];
    alert.hidden = day > alert.getAttribute('data-alert-ends') || day < alert.getAttribute('data-alert-starts');
  }
  var boxes = document.querySelectorAll('[data-alerts]');
  for (var j = 0; j < boxes.length; j++) {
    boxes[j].hidden = !boxes[j].querySelector('[data-alert-ends]:not([hidden])');
  }
})();
