/* Run a service worker script in Node with a fake browser around it, and report what it did.

   Usage: node run_worker.js SCRIPT WORKER_PATH SCENARIO; prints one JSON object. The fake records every
   fetch, cache, skipWaiting and message, so a test checks the worker's behaviour, not its text.
   Scenario: "message" (a STATUS message, then SKIP_WAITING). Saving, resuming and dropping packs
   are tested in a real Chromium (tests/test_offline_browser.py). */
'use strict';

const fs = require('fs');
const vm = require('vm');

const [scriptPath, workerPath, scenario] = process.argv.slice(2);
const origin = 'http://127.0.0.1:8000';
const log = { fetched: [], stored: [], deleted: [], skipWaiting: 0, messages: [], failed: null };
const listeners = {};
const cacheNames = new Set();

const source = fs.readFileSync(scriptPath, 'utf8');
const workerUrl = origin + workerPath;

const page = { url: new URL('./', workerUrl).href, postMessage: (message) => log.messages.push(message) };
const self = {
  location: new URL(workerUrl),
  registration: { scope: new URL('./', workerUrl).href },
  clients: { matchAll: async () => [page], claim: async () => undefined },
  skipWaiting: () => { log.skipWaiting += 1; return Promise.resolve(); },
  addEventListener: (type, listener) => { listeners[type] = listener; },
};
const cache = (name) => ({
  put: async (url) => { log.stored.push([name, url]); },
});
const caches = {
  open: async (name) => { cacheNames.add(name); return cache(name); },
  keys: async () => [...cacheNames],
  delete: async (name) => { log.deleted.push(name); return cacheNames.delete(name); },
  match: async () => undefined,
};
async function fetch(url) {
  const href = new URL(url, workerUrl).href;
  log.fetched.push(href.slice(origin.length));
  return { ok: false, status: 503, type: 'basic', redirected: false, text: async () => '' };
}

vm.runInNewContext(source, { self, caches, fetch, URL, Promise, setTimeout, clearTimeout, JSON, console });

async function dispatch(type, data) {
  const waits = [];
  const event = { data, source: page, waitUntil: (promise) => waits.push(promise) };
  listeners[type](event);
  await Promise.allSettled(waits).then((results) => {
    const rejected = results.find((result) => result.status === 'rejected');
    if (rejected) log.failed = String(rejected.reason && rejected.reason.message);
  });
}

(async () => {
  if (scenario === 'message') {
    await dispatch('message', { type: 'STATUS' });
    const before = log.skipWaiting;
    await dispatch('message', { type: 'SKIP_WAITING' });
    log.skipWaitingBeforeAsked = before;
  }
  log.cacheNames = [...cacheNames];
  process.stdout.write(JSON.stringify(log));
})();
