"""One ZIM file per language for Kiwix: ``book`` writes them, ``pages`` rewrites pages, ``items`` feeds it.

Only ``items`` loads libzim, so a worker that never writes a ZIM never loads it.
"""
