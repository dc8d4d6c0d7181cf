"""What a reader may be asked to download: the byte budgets that `make bench` reports and the tests hold.

Bytes are not noisy, so the same numbers are checked by tests/test_weights.py on every `make test`.
"""

from __future__ import annotations

HTML_MAX_BR_BYTES = 14 * 1024
HTML_MEDIAN_MAX_BR_BYTES = 6 * 1024
STYLESHEET_MAX_BR_BYTES = int(2.5 * 1024)
FIRST_VISIT_MAX_BR_BYTES = 30 * 1024
FIRST_VISIT_MAX_REQUESTS = 6
PACK_MAX_BYTES = 150 * 1024  # as sent: the pack is compressed by itself, whatever the browser accepts
