"""The site turned into files: the static export and the ZIM files (``publish/zim/``)."""
