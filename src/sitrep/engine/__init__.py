"""Where extraction runs. `--engine local` (the default) is `sitrep.parallel`'s worker processes on
this machine; `--engine dask` (`sitrep.engine.dask`) is a Dask cluster, local or remote, whose
workers read their share of the inputs themselves (`sitrep.engine.parts`). Both feed the one
storing path in `sitrep.batch`."""
