/* Run a service worker script in Node with a fake browser around it, and report what it did.

   Usage: node run_worker.js SCRIPT WORKER_PATH SCENARIO; prints one JSON object. The fake records every
   fetch, cache, skipWaiting and message, so a test checks the worker's behaviour, not its text.
   Scenarios: "install" (every fetch answers 200), "install-failing" (the second URL answers 500),
   "message" (a STATUS message, then SKIP_WAITING), "activate" (install, then activate beside an
   older pack of the same language, one of another language and another app's cache). */
'use strict';

const fs = require('fs');
const vm = require('vm');

const [scriptPath, workerPath, scenario] = process.argv.slice(2);
const origin = 'http://127.0.0.1:8000';
const log = { fetched: [], stored: [], deleted: [], skipWaiting: 0, messages: [], failed: null };
const listeners = {};
const cacheNames = new Set(scenario === 'activate'
  ? ['rightsinfo-ps-old', 'rightsinfo-ar-old', 'another-app'] : []);
let fetchCount = 0;

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
  fetchCount += 1;
  const href = new URL(url, workerUrl).href;
  log.fetched.push(href.slice(origin.length));
  const failing = scenario === 'install-failing' && fetchCount === 2;
  const body = href === workerUrl ? source : '';
  return {
    ok: !failing, status: failing ? 500 : 200, type: 'basic', redirected: false,
    text: async () => body,
  };
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
  if (scenario.startsWith('install') || scenario === 'activate') await dispatch('install');
  if (scenario === 'message') {
    await dispatch('message', { type: 'STATUS' });
    const before = log.skipWaiting;
    await dispatch('message', { type: 'SKIP_WAITING' });
    log.skipWaitingBeforeAsked = before;
  }
  if (scenario === 'activate') await dispatch('activate');
  log.cacheNames = [...cacheNames];
  process.stdout.write(JSON.stringify(log));
})();
