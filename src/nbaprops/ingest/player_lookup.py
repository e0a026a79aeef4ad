"""Name normalisation used to match name-only sources to NBA.com players (SPEC §2.2).

``player_lookup`` turns a display name into a compact ASCII key. Sportsbooks,
basketball-reference and NBA.com spell the same player differently (accents,
punctuation, generational suffixes), and the key removes exactly those
differences. It does **not** resolve nicknames (``Nicolas Claxton`` vs ``Nic
Claxton``); those are curated in ``seeds/player_aliases.csv`` (SPEC §3.7).

The key is not unique on its own: resolve it together with (date, team).
"""

from __future__ import annotations

import unicodedata

__all__ = ["GENERATIONAL_SUFFIXES", "player_lookup"]

#: Final tokens dropped by step 4 (compared after removing punctuation).
GENERATIONAL_SUFFIXES: frozenset[str] = frozenset({"jr", "sr", "ii", "iii", "iv"})

# Turkish dotless/dotted i have no NFKD decomposition to a plain ``i``.
_TURKISH_I = str.maketrans({"ı": "i", "İ": "I"})


def _keep_alnum(text: str) -> str:
    """Return ``text`` with every character outside ``[0-9a-z]`` removed."""
    return "".join(ch for ch in text if ("0" <= ch <= "9") or ("a" <= ch <= "z"))


def player_lookup(name: str) -> str:
    """Normalise a player name to its lookup key (SPEC §2.2, steps in this order).

    1. Unicode NFKC, then ``ı``→``i`` and ``İ``→``I``.
    2. Strip diacritics: NFKD, then drop the combining marks.
    3. Casefold.
    4. Split on whitespace; drop a final token that, once its punctuation is
       removed, equals ``jr``, ``sr``, ``ii``, ``iii`` or ``iv``. The name is
       never reduced to nothing: when nothing would remain after step 5 (the
       suffix is the only token, or the other tokens are pure punctuation),
       the suffix is kept.
    5. Drop every character outside ``[0-9a-z]`` and join the tokens.

    Examples:
        >>> player_lookup("P.J. Washington Jr.")
        'pjwashington'
        >>> player_lookup("Jimmy Butler III")
        'jimmybutler'
        >>> player_lookup("Nikola Jokić")
        'nikolajokic'
        >>> player_lookup("Alperen Şengün")
        'alperensengun'
        >>> player_lookup("Shai Gilgeous-Alexander")
        'shaigilgeousalexander'
        >>> player_lookup("Jr.")
        'jr'
        >>> player_lookup("Gary Trent Jr")
        'garytrent'
    """
    text = unicodedata.normalize("NFKC", name).translate(_TURKISH_I)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    tokens = text.casefold().split()
    if tokens and _keep_alnum(tokens[-1]) in GENERATIONAL_SUFFIXES:
        without_suffix = "".join(_keep_alnum(token) for token in tokens[:-1])
        if without_suffix:
            return without_suffix
    return "".join(_keep_alnum(token) for token in tokens)
