/* The page's first script: it registers the language's service worker while the page still loads, a
   round trip sooner than offline.js could. Data Saver waits for a tap (offline.js offers it). */
(function (script) {
  var container = navigator.serviceWorker;
  var connection = navigator.connection;
  if (!container || (connection && connection.saveData)) return;
  container.register(script.getAttribute('data-worker'), {
    scope: script.getAttribute('data-scope'), updateViaCache: 'none'
  }).catch(function () {}); // offline.js registers again, and says so if it fails
})(document.currentScript);
