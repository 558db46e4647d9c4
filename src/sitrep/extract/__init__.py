"""Extract: per-document items read off a parsed spaCy `Doc`, each with its offsets.

One module per kind of item: `entities` (named entities grouped per document),
`places` (place-name spans), `timexes` (time expressions). Events, quotes and
claims arrive with their issues.

This package is also the function `sitrep.extract(text, published=None)`: the
module is callable, so the public API and the package can share their name.
"""
from __future__ import annotations

import sys
import types


class _CallableModule(types.ModuleType):
    def __call__(self, text: str, published: str | None = None, **meta):
        from sitrep import extract_text

        return extract_text(text, published, **meta)


sys.modules[__name__].__class__ = _CallableModule
