"""Measurements of rightsinfo that are commands, not tests: ``make bench`` and ``make load``.

``bench.run`` prints one table of figures (throughput against a bare server, render-miss time, page
weights, offline pack sizes, leaflet timings, search, build time) and writes ``bench/results.json``;
``bench.load`` runs a bounded wrk load test against gunicorn on 127.0.0.1. Both build the real content
into a temporary instance folder, so they never touch the one ``make run`` serves.
"""
