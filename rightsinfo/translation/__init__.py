"""The translators' tools: status and checks, upkeep commands, shape, history, glossaries, catalogues.

None of this answers a reader's request; the ``/translators/`` page and the ``translations`` commands
use it.
"""
