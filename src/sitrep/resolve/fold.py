"""Name folding: the keys under which transliteration variants of one place name meet.

Two keys per name:

* `light` — what any reader would call the same spelling: case, accents and
  diacritics, apostrophe-like marks (ʿ ’ ' ‘), hyphens and dots, and the Arabic article
  as a word of its own (al-, el-, ad-, as-, az-, ez-, …; before another word) set aside. "Şalāḩ ad Dīn" and
  "Salah ad-Din" share it.
* `skeleton` — a deliberately looser key for transliteration: glued articles
  ("Alhol", "Ezzor"), ei/ay/ai/ey → e, aw/ow → o, ou/oo → u, dh → z, th → t, kh → k,
  q → k, doubled letters, a final -h and a final vowel, and the word families of Arabic,
  Kurdish and Turkish names (Tell/Tall/Tel, Qaryat/Qarya/Kariat, Ain/Ayn/Ein, Kafr/Kfar,
  Jabal/Jebel, Deir/Dayr). "Deir ez-Zor", "Dayr az-Zawr",
  "Deir Ezzor" and "Dayr Az Zawr" share it. Its words are then written together, because
  where one writer spaces or hyphenates a name another writes it as one word ("Mu-se" and
  "Muse", "Hpa-an" and "Hpaan", "Bani Walid" and "Baniwalid"). Lookups try `light` first;
  a `skeleton` match is weaker evidence and scores lower.
"""
from __future__ import annotations

import functools
import re
import unicodedata

ARTICLES = frozenset("al el il ar er ad ed as es ash esh ech az ez at et an en uz ul adh ath".split())
_MARKS = dict.fromkeys(map(ord, "ʿʾ’‘'`´ʼʻ"), None)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_./,()]+")
_NON_WORD = re.compile(r"[^0-9a-z ]+")
_GLUED_SUN = re.compile(r"^[ae]([dnrstz])(?=\1)")            # "Ezzor", "Assuwayda": article assimilated
_GLUED_AL = re.compile(r"^al(?=[bcdfghjklmnpqrstvwxz])")    # "Alhol", "Albukamal"
_DIGRAPHS = [("dh", "z"), ("th", "t"), ("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("ph", "f"),
             ("dj", "j"), ("ck", "k"), ("q", "k"), ("c", "k"), ("x", "ks"),
             ("ei", "e"), ("ey", "e"), ("ay", "e"), ("ai", "e"), ("aw", "o"), ("ow", "o"),
             ("ou", "u"), ("oo", "u"), ("ee", "i"), ("w", "u"), ("y", "i")]
_DOUBLE = re.compile(r"(.)\1+")


def ascii_fold(text: str) -> str:
    """Lower case without accents, diacritics or apostrophe-like marks."""
    t = unicodedata.normalize("NFKD", text.translate(_MARKS))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return t.translate(_MARKS).lower()


@functools.lru_cache(maxsize=200_000)
def light(name: str) -> str:
    """The light key: case, accents, marks, separators and free-standing articles set aside."""
    t = _NON_WORD.sub("", _SEPARATORS.sub(" ", ascii_fold(name)))
    words = t.split()
    if words and words[0] == "the":
        words = words[1:]
    # an article stands before a word: a last word that spells one is the name's own ("Dĩ An", "Xi An")
    kept = [w for i, w in enumerate(words) if w not in ARTICLES or i == len(words) - 1]
    return " ".join(kept or words)


# whole words that one place name's transliterations spell apart: the word families of Arabic,
# Kurdish and Turkish names ("Tell/Tall/Tel Abyad", "Qaryat/Qarya/Kariat", "Kafr/Kfar/Kefr")
_FAMILIES = {**dict.fromkeys(("tall", "tell", "tel", "tal", "til"), "tal"),
             **dict.fromkeys(("qaryat", "qarya", "qaryah", "qariat", "qaria", "kariat", "karyat", "qiryat"), "karia"),
             **dict.fromkeys(("kafr", "kfar", "kefr", "kfr", "kafar"), "kafr"),
             **dict.fromkeys(("ain", "ayn", "ein", "eyn", "ayin", "aïn"), "ain"),
             **dict.fromkeys(("jabal", "jebel", "jabel", "djebel", "jbel"), "jabal"),
             **dict.fromkeys(("deir", "dayr", "der", "deyr", "dair"), "dayr"),
             **dict.fromkeys(("abu", "abou", "ebu"), "abu"),
             **dict.fromkeys(("umm", "um", "om", "oum"), "umm"),
             **dict.fromkeys(("bir", "beer", "bi'r"), "bir")}


def _skeleton_word(w: str) -> str:
    if w in _FAMILIES:
        w = _FAMILIES[w]
    if len(w) > 4:
        w = _GLUED_AL.sub("", _GLUED_SUN.sub("", w, count=1), count=1)
    for a, b in _DIGRAPHS:
        w = w.replace(a, b)
    return _fold_letters(w)


def _fold_letters(w: str) -> str:
    """Doubled letters as one, a final -h and a final -a/-e set aside."""
    w = _DOUBLE.sub(r"\1", w)
    if len(w) > 3 and w.endswith("h"):
        w = w[:-1]
    if len(w) > 3 and w[-1] in "ae":
        w = w[:-1]
    return w


@functools.lru_cache(maxsize=200_000)
def skeleton(name: str) -> str:
    """The loose transliteration key (see the module docstring)."""
    words = [_skeleton_word(w) for w in light(name).split()]
    # written together: the letters that meet at the seams, and the new last letter, fold as in one word
    return _fold_letters("".join(words)) if len(words) > 1 else "".join(words)


def is_latin(name: str) -> bool:
    """True when the name is written in Latin letters (what English text can contain)."""
    folded = ascii_fold(name)
    return bool(folded.strip()) and all(ch.isascii() for ch in folded)
