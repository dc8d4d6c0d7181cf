// service worker: written by the offline module
