"""How easy a letter's English is to read: the Flesch reading ease score, shown in the template editor.

Flesch (1948): 206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words). 60 to 70 is plain
English most adults read easily; 80+ is easy; below 50 is hard going for many parents. Syllables are
counted by a simple rule (groups of vowels, a silent final "e" dropped, at least one per word), which
is what readability tools do too; merge fields count as one short word. A small pure function rather
than a library: the editor needs one number, and this one is explained here.

    Ten words, two sentences, eleven syllables: 206.835 - 1.015 x 5 - 84.6 x 1.1 = 108.7 (very easy).

    >>> flesch_reading_ease("We would like to meet you. Please call the office.")
    Decimal('108.7')
    >>> flesch_reading_ease("Notwithstanding the aforementioned considerations, attendance necessitates "
    ...                     "immediate improvement.")
    Decimal('-108.0')
    >>> flesch_reading_ease("") is None
    True
    >>> describe(Decimal("72.4"))
    'Fairly easy to read: most parents will read this easily.'
"""

from __future__ import annotations

import re
from decimal import Decimal

_TAG = re.compile(r"<[^>]+>")
_FIELD = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")


def syllables(word: str) -> int:
    """
    >>> [syllables(w) for w in ("school", "attendance", "the", "improve", "every", "a")]
    [1, 3, 1, 2, 3, 1]
    """
    word = word.lower().strip("'")
    if len(word) <= 3:
        return 1
    word = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", word)
    word = re.sub(r"^y", "", word)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", word)))


def plain_text(html: str) -> str:
    text = _TAG.sub(" ", re.sub(r"</(p|li|h\d|div)>", ". ", html or ""))
    return _FIELD.sub("Sam", text).replace("&nbsp;", " ")


def flesch_reading_ease(text: str) -> Decimal | None:
    """The score to one decimal place; None when there are no words."""
    text = plain_text(text)
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    syllable_count = sum(syllables(w) for w in words)
    score = 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllable_count / len(words))
    return Decimal(str(round(score, 1)))


def describe(score: Decimal | None) -> str:
    if score is None:
        return "No text to score yet."
    if score >= 80:
        return "Easy to read."
    if score >= 60:
        return "Fairly easy to read: most parents will read this easily."
    if score >= 50:
        return "Fairly hard to read: try shorter sentences and everyday words."
    return "Hard to read: use shorter sentences and everyday words."
