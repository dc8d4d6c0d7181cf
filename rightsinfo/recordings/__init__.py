"""Recorded voices: volunteers' recordings of a page, a card or the emergency numbers, read aloud.

``texts.py`` says what a recording reads (the sections of an item and the hashes of their text and facts).
"""
