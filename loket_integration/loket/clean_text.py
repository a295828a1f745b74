"""Loket's text made storable (pure functions).

PostgreSQL refuses a NUL in text and ``\\u0000`` in jsonb, and a lone UTF-16 surrogate cannot be
encoded at all: one such character in one employee's name would fail the query that stores a
whole page, and Odoo would log that query with every employee's record in it. So every text of
every Loket answer loses its control characters (tab, line feed and carriage return excepted)
before anything stores it, and a lone surrogate becomes U+FFFD."""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]+")


def clean_text(text):
    """``text`` without control characters but tab and line breaks; lone surrogates replaced."""
    if not _UNWANTED.search(text):
        return text
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def one_line(text):
    """``clean_text`` of a single-line value (a name, a city): tabs and line breaks become a space."""
    return _LINE_BREAKS.sub(" ", clean_text(text))


def clean_json(value):
    """A decoded JSON value with ``clean_text`` applied to every string in it, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(key): clean_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    return value
