"""sitrep: news about armed conflict in, a geocoded, dated, source-linked event database out.

    >>> import sitrep
    >>> ext = sitrep.extract("BAGHDAD, March 4, 2025 (Example Wire) - Gunmen attacked ...")
    >>> ext.published, [e.canonical for e in ext.entities]

`sitrep.Pipeline` keeps the spaCy model loaded across calls.
"""
from __future__ import annotations

from sitrep import extract  # the callable package: sitrep.extract(text) calls extract_text
from sitrep.model import Extraction

__version__ = "0.1.0"
__all__ = ["Pipeline", "extract", "extract_text", "Extraction", "__version__"]

_default = None


def __getattr__(name):
    if name == "Pipeline":  # imported lazily: `import sitrep` stays fast for the CLI's --help
        from sitrep.pipeline import Pipeline
        return Pipeline
    raise AttributeError(name)


def extract_text(text: str, published: str | None = None, **meta) -> Extraction:
    """Extract one article's text; `published` is an ISO date (or None to detect it from the text)."""
    global _default
    if _default is None:
        from sitrep.pipeline import Pipeline
        _default = Pipeline()
    return _default.extract(text, published, **meta)
