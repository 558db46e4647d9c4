"""Resolve: what the extracted spans refer to in the world.

This stage owns turning surface text into real-world references, each with a precision:

* `time` — time expressions → calendar intervals (start/end dates, precision day, week,
  month, year or vague, a `future` flag) against the publication date; the rule that dates
  an event from the expressions around its trigger; ACLED's `time_precision`.
* `places`, `article`, `chains`, `gazetteer`, `fold` — place names → GeoNames entries with a precision
  (`article`: what the rest of the article says about a name; `chains`: "X village in Y district").
* names → canonical entities across the corpus, and event mentions → one real-world event
  across sources (with their issues).

Resolution never guesses what the text and metadata do not support: what cannot be resolved
keeps its text with `resolved: false` (or a null id).
"""
