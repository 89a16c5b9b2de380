"""One child: a small, immutable, readable result, computed by the same kernel as a batch."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from . import dates, rules
from .classify import MEASUREMENTS, Inputs, category_scheme, check_options, compute, reason_codes
from .errors import quiet_numpy
from .inputs import convert
from .parse import code_text, parse_age, parse_number
from .resolve import FACTORS, UNIT_KIND, code_map, parse_units

#: Per thread, the kernel's output arrays for one child, reused from call to call (every value
#: is copied into the result before the next call can overwrite it).
_LOCAL = threading.local()
_DESCRIPTION = {"z" + i.name: i.description for i in rules.INDICATORS_2006}
#: Every z-score, flag and category name a ChildResult may have.
_KNOWN = frozenset({*("z" + n for n in rules.INDICATOR_NAMES),
                    *("f" + n for n in rules.INDICATOR_NAMES),
                    *(c.column for scheme in rules.CATEGORY_SCHEMES.values() for c in scheme)})


def _code(value: Any, codes: Mapping[str, int], missing: int, invalid: int) -> int:
    key = code_text(value)
    return missing if key is None else codes.get(key, invalid)


@dataclass(frozen=True)
class ChildResult:
    """z-scores, flags, categories and reasons for one child.

    ``z`` maps WHO's column names (``zlen``, ``zwei``, ...) to the z-score or None, ``flags``
    maps ``flen``, ``fwei``, ... to 0/1 or None, ``categories`` maps ``stunting``, ... to a label
    or None, and ``reasons`` maps each z-score that is missing to the reason's short name
    (see ``zscore.rules.REASONS``). Attribute access works too: ``result.zlen``.
    """

    csex: int | None
    standard: str
    clenhei: float | None
    cmeasure: str | None
    c9mo_flag: int | None
    cbmi: float | None
    z: Mapping[str, float | None] = field(default_factory=dict)
    flags: Mapping[str, int | None] = field(default_factory=dict)
    categories: Mapping[str, str | None] = field(default_factory=dict)
    reasons: Mapping[str, str] = field(default_factory=dict)

    def __reduce__(self) -> tuple:
        # the mappings are read-only views (MappingProxyType), which do not pickle: pickle plain
        # dicts and rebuild the views
        fields = {f: getattr(self, f) for f in self.__dataclass_fields__}
        for part in ("z", "flags", "categories", "reasons"):
            fields[part] = dict(fields[part])
        return _rebuild, (fields,)

    def __getattr__(self, name: str) -> Any:
        for part in ("z", "flags", "categories"):
            values = object.__getattribute__(self, part)
            if name in values:
                return values[name]
        if name in _KNOWN:  # a z-score, flag or category this child was not given data for
            return None
        raise AttributeError(name)

    def __str__(self) -> str:
        lines = []
        for name, value in self.z.items():
            label = _DESCRIPTION.get(name, name)
            if value is None:
                reason = self.reasons.get(name, "")
                lines.append(f"{name:5s} {label:32s}      -  ({reason})")
            else:
                flag = "  FLAGGED: implausible, re-measure" if self.flags["f" + name[1:]] else ""
                lines.append(f"{name:5s} {label:32s} {value:6.2f}{flag}")
        for name, value in self.categories.items():
            lines.append(f"{name:38s} {value if value is not None else '-'}")
        return "\n".join(lines)


def _rebuild(fields: dict) -> ChildResult:
    for part in ("z", "flags", "categories", "reasons"):
        fields[part] = MappingProxyType(fields[part])
    return ChildResult(**fields)


def _age_from_dates(birth: Any, visit: Any, date_format: str | None) -> float:
    """One child's age in days from two dates (as a batch reads them)."""
    dates.check_date_format(date_format)
    b, v = dates.prepare([birth]), dates.prepare([visit])
    order = dates.day_month_order({"birth_date": b, "visit_date": v}, date_format)
    return float(dates.age_days(dates.to_days(b, order), dates.to_days(v, order))[0])


@quiet_numpy
def child(
    sex: Any,
    age: Any = None,
    *,
    age_unit: str | None = None,
    weight: Any = None,
    lenhei: Any = None,
    measure: Any = None,
    oedema: Any = None,
    headc: Any = None,
    armc: Any = None,
    triskin: Any = None,
    subskin: Any = None,
    birth_date: Any = None,
    visit_date: Any = None,
    date_format: str | None = None,
    units: Mapping[str, str] | None = None,
    precision: str = "who",
    labels: str | Sequence[rules.Category] = "who",
    standard: str = "auto",
) -> ChildResult:
    """z-scores of one child (0-19 years), as :func:`zscore.classify` computes them.

    Arguments are single values with the meanings and units of :func:`zscore.classify`; a
    measurement left as None is not scored. Without ``age``, a ``birth_date`` and a
    ``visit_date`` give the age in days. Bad values never raise: the z-score is None and
    ``reasons`` says why.

    Examples
    --------
    >>> import zscore
    >>> r = zscore.child(sex="f", age=300, weight=7.2, lenhei=66.0, measure="l")
    >>> r.zlen, r.stunting, dict(r.reasons)
    (-2.15, 'stunted', {})
    >>> zscore.child(sex="P", birth_date="2023-01-15", visit_date="2024-03-20", weight=8.1,
    ...              lenhei=70.5, measure="terlentang").zlen
    -2.24
    """
    standard = check_options(precision, age_unit, standard)
    scheme = category_scheme(labels)
    values = dict(weight=weight, lenhei=lenhei, headc=headc, armc=armc, triskin=triskin,
                  subskin=subskin)
    unit_of = parse_units(units) if units else {}
    months = (age_unit or unit_of.get("age", "days")) in ("months", "years")
    if age is None and birth_date is not None and visit_date is not None:
        age_value, months = _age_from_dates(birth_date, visit_date, date_format), False
    else:
        age_value = parse_age(age, months)
        if unit_of.get("age") == "years" and age_unit is None:
            age_value *= FACTORS["age"]["years"]
    measurements = {}
    for m in MEASUREMENTS:
        if values[m] is not None:
            x = np.array([parse_number(values[m])])
            if m in unit_of:
                x = convert(x, FACTORS[UNIT_KIND[m]][unit_of[m]])
            measurements[m] = x
    inp = Inputs(
        n=1,
        sex=np.array([_code(sex, code_map("sex"), rules.SEX_MISSING, rules.SEX_INVALID)],
                     dtype=np.int8),
        age=np.array([age_value]),
        measure=np.array([_code(measure, code_map("measure"), rules.MEASURE_MISSING,
                                rules.MEASURE_INVALID)], dtype=np.int8),
        oedema=np.array([_code(oedema, code_map("oedema"), rules.OEDEMA_NO,
                               rules.OEDEMA_INVALID)], dtype=np.int8),
        measurements=measurements,
        age_unit="months" if months else "days",
    )
    buffers = getattr(_LOCAL, "buffers", None)
    if buffers is None:
        buffers = _LOCAL.buffers = {}
    raw = compute(inp, precision=precision, scheme=scheme, standard=standard,
                  parallel=False, buffers=buffers)

    def num(a: np.ndarray) -> float | None:
        value = a.tolist()  # one conversion to Python numbers, not one per element
        return value[0] if value and value[0] == value[0] else None

    zs, fs, cs = raw.z[:, 0].tolist(), raw.f[:, 0].tolist(), raw.cat[:, 0].tolist()
    z = {"z" + name: (v if v == v else None) for name, v in zip(raw.active, zs, strict=True)}
    flags = {"f" + name: (f if f >= 0 else None) for name, f in zip(raw.active, fs, strict=True)}
    cats = {column: (labels[k] if k >= 0 else None)
            for (column, labels), k in zip(raw.cat_columns, cs, strict=True)}
    has_len = raw.clenhei.size > 0
    sex_code = int(inp.sex[0])
    measure_code = int(raw.cmeasure[0]) if has_len else 0
    return ChildResult(
        csex=sex_code if sex_code > 0 else None,
        standard=rules.STANDARD_LABELS[int(raw.standard[0])],
        clenhei=num(raw.clenhei),
        cmeasure=("l", "h")[measure_code - 1] if measure_code > 0 else None,
        c9mo_flag=int(raw.c9mo[0]) if has_len else None,
        cbmi=num(raw.cbmi),
        z=MappingProxyType(z),
        flags=MappingProxyType(flags),
        categories=MappingProxyType(cats),
        reasons=MappingProxyType(reason_codes(int(raw.reason[0]), raw.active)),
    )
