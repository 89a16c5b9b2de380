"""The programme tools' public signatures, frozen: changing a name, an order or a default is a
decision made here, not an accident."""

from __future__ import annotations

import inspect

import zscore

CHILD = ["sex", "age", "age_unit", "weight", "lenhei", "measure", "oedema"]
EXPECTED = {
    "audit": (["data"], ["status_len", "status_wei", "status_wfl", "stored_zlen",
                         "stored_zwei", "stored_zwfl", "by", *CHILD, "birth_date",
                         "visit_date", "date_format", "units", "preset", "value_labels",
                         "rules_file", "standard", "date_numbers"]),
    "followup": (["data"], ["child", "date", "birth_date", *CHILD, "kbm", "by", "date_format",
                            "units", "preset", "value_labels", "rules_file", "standard",
                            "date_numbers"]),
    "read_register": (["source"], ["sheet", "year", "child", "name", "birth_date", "desa",
                                   "date_format"]),
    "rollup": (["data"], ["by", "period", "targets", "child", "date", "birth_date", *CHILD,
                          "layout", "date_format", "units", "preset", "value_labels",
                          "standard", "date_numbers"]),
}
DEFAULTS = {"standard": "auto", "date_numbers": "excel", "layout": "tidy"}


def test_signatures():
    for name, (positional, keywords) in EXPECTED.items():
        params = inspect.signature(getattr(zscore, name)).parameters.values()
        assert [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD] == positional
        assert [p.name for p in params if p.kind == p.KEYWORD_ONLY] == keywords, name
        for p in params:
            if p.kind == p.KEYWORD_ONLY:
                assert p.default == DEFAULTS.get(p.name), (name, p.name)


def test_exported():
    for name in ("audit", "followup", "read_register", "rollup"):
        assert name in zscore.__all__ and callable(getattr(zscore, name))
