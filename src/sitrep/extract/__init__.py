"""Extract: per-document items read off a parsed spaCy `Doc`, each with its offsets.

One module per kind of item: `entities` (actors, people and places named in the
document, resolved to one entity each; `people` reads titles, roles and surnames for
it), `places` (place-name spans), `timexes` (time expressions), `events`, `quotes`
(who said what) and `claims` (quantity statements).

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
