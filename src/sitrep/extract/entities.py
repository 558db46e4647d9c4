"""Named entities of one document: spaCy NER spans grouped by their normalised surface.

Mentions that read the same once determiners, possessives and case are set aside
("the Coalition", "Coalition’s") are one entity; its type is the label most of its
mentions carry and its canonical name is the longest mention. Cross-document
identity (`kb_id`) and acronym binding come with the entities issue.
"""
from __future__ import annotations

import hashlib
from collections import Counter

from sitrep.extract.labels import label_uses
from sitrep.model import Entity, Span

_DETERMINERS = {"the", "a", "an"}
_TRAILING = "’'s.,;:"


def trim(span) -> tuple[str, int, int] | None:
    """The span's text without leading determiners and trailing possessive or punctuation.

    A name never runs across a line break ("Abu Hamam\nMilitants" after a title line):
    the span is cut there, keeping the part before the break.
    """
    tokens = list(span)
    for i, tok in enumerate(tokens):
        if "\n" in tok.text or "\n" in tok.whitespace_:
            tokens = tokens[:i + (0 if tok.is_space else 1)] or tokens[i + 1:]
            break
    while tokens and tokens[0].lower_ in _DETERMINERS:
        tokens.pop(0)
    while tokens and (tokens[-1].lower_ in {"'s", "’s", "'", "’"} or tokens[-1].is_punct):
        tokens.pop()
    if not tokens:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    # a Span's text, not Doc.text: the latter re-joins the whole document on every access
    return span.doc[tokens[0].i:tokens[-1].i + 1].text, start, end


def key_of(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def entity_id(doc_id: str, key: str) -> str:
    return "ent-" + hashlib.sha1(f"{doc_id}\x1f{key}".encode()).hexdigest()[:12]


def extract_entities(doc, doc_id: str) -> list[Entity]:
    uses = label_uses()
    groups: dict[str, list[tuple[str, Span]]] = {}
    for ent in doc.ents:
        use = uses.get(ent.label_)
        if use is None or use.entity_type is None:
            continue
        t = trim(ent)
        if t is None:
            continue
        text, start, end = t
        groups.setdefault(key_of(text), []).append((use.entity_type, Span(text, start, end)))
    out = []
    for key, items in groups.items():
        etype = Counter(t for t, _ in items).most_common(1)[0][0]
        mentions = [m for _, m in items]
        canonical = max((m.text for m in mentions), key=len)
        aliases = sorted({m.text for m in mentions} - {canonical})
        out.append(Entity(id=entity_id(doc_id, key), canonical=canonical, type=etype,
                          aliases=aliases, mentions=mentions))
    return out
