"""zscore on Dask DataFrames: the same calls, partition by partition, with the same answers.

``zscore.dask.classify(ddf, ...)`` returns a Dask DataFrame: each partition classified by the
same code as :func:`zscore.classify`, with the columns, units, codes and date order decided once,
on the first rows, and kept for every partition (so each row is read as it would be in one call
on the whole table). Needs the ``dask`` extra: ``pip install "zscore-who[dask]"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .classify import SAMPLE_ROWS, classify_part, named_only, resolution_of
from .errors import InputError
from .resolve import CHILD_ARGS, DATE_ARGS

_CHILD_ARGS = (*CHILD_ARGS, *DATE_ARGS)


def _dataframe(ddf: Any) -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise InputError("zscore.dask needs Dask: pip install 'zscore-who[dask]'") from exc
    if not isinstance(ddf, dd.DataFrame):
        raise InputError(f"expected a dask DataFrame, not {type(ddf).__name__} (use "
                         "zscore.classify for pandas, polars and Arrow tables)")
    return dd


def _split(options: dict[str, Any]) -> dict[str, Any]:
    given = {k: options.pop(k) for k in _CHILD_ARGS if k in options}
    named_only(given, "the DataFrame", "matched to a Dask DataFrame's partitions")
    return given


def classify(ddf: Any, **options: Any) -> Any:
    """:func:`zscore.classify` of a Dask DataFrame, as a Dask DataFrame (lazy: nothing is
    computed until you ask). Arguments are classify's; columns are named, not given as arrays.

    The result's partitions are the input's, each with zscore's columns appended, rows in
    order. Category columns (``stunting``, ``reason``, ...) have unknown categories until
    computed (``.cat.as_known()`` sets them).
    """
    dd = _dataframe(ddf)
    options = dict(options)
    given = _split(options)
    sample = ddf.head(SAMPLE_ROWS, npartitions=-1, compute=True)
    resolution = resolution_of(sample, given, options)
    meta = dd.utils.clear_known_categories(classify_part(ddf._meta, given, resolution, options))
    return ddf.map_partitions(classify_part, given, resolution, options, meta=meta,
                              align_dataframes=False)


def _accumulate(make: Any, options: Mapping[str, Any], part: Any) -> Any:
    return make(**options).add(part)


def _merge(left: Any, right: Any) -> Any:
    return left.merge(right)


def _reduce(ddf: Any, make: Any, options: Mapping[str, Any]) -> Any:
    """One accumulator per partition, merged pairwise in partition order (a tree: depth
    log2 of the partitions), then its table, computed on the current scheduler."""
    import dask

    _dataframe(ddf)
    level = [dask.delayed(_accumulate)(make, options, part) for part in ddf.to_delayed()]
    while len(level) > 1:
        pairs = [dask.delayed(_merge)(level[i], level[i + 1])
                 for i in range(0, len(level) - 1, 2)]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
    return dask.delayed(lambda acc: acc.result())(level[0]).compute()


def prevalence(ddf: Any, **options: Any) -> Any:
    """:func:`zscore.prevalence` of a Dask DataFrame: the same table (to about 1e-13), computed
    from mergeable sums over the partitions (:class:`zscore.PrevalenceAccumulator`): a PSU or
    a group split across partitions is one PSU or group. Columns are named; the table is a
    pandas DataFrame."""
    from .prevalence import PrevalenceAccumulator

    return _reduce(ddf, PrevalenceAccumulator, options)


def quality(ddf: Any, **options: Any) -> Any:
    """:func:`zscore.quality` of a Dask DataFrame, from mergeable counts and moments over the
    partitions (:class:`zscore.QualityAccumulator`); a pandas DataFrame."""
    from .quality import QualityAccumulator

    return _reduce(ddf, QualityAccumulator, options)


def report(ddf: Any, output: Any = None, *, target: float | None = None, lang: str = "en",
           title: str | None = None, source: str | None = None, **options: Any) -> str:
    """:func:`zscore.report` of a Dask DataFrame: the page built from the sums of every
    partition (:class:`zscore.report.ReportAccumulator`: prevalence, quality and binned
    z-scores), never the rows. Columns are named; the page is returned (and written to
    ``output`` when given)."""
    from .report.build import ReportAccumulator, check_render_options, write_page
    from .report.html import render

    check_render_options(target, lang)
    data = _reduce(ddf, ReportAccumulator, options)
    data.source = source
    page = render(data, target=target, lang=lang, title=title)
    if output is not None:
        write_page(page, output)
    return page
