"""One child: a small, immutable, readable result, computed by the same kernel as a batch."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from . import dates, rules
from ._kernels import read_only
from .classify import MEASUREMENTS, Inputs, category_scheme, check_options, compute, reason_codes
from .errors import quiet_numpy
from .inputs import convert
from .parse import code_text, parse_age, parse_number
from .resolve import FACTORS, UNIT_KIND, code_map, parse_units

_DESCRIPTION = {"z" + i.name: i.description for i in rules.INDICATORS_2006}
#: Every z-score, flag and category name a ChildResult may have.
_KNOWN = frozenset({*("z" + n for n in rules.INDICATOR_NAMES),
                    *("f" + n for n in rules.INDICATOR_NAMES),
                    *(c.column for scheme in rules.CATEGORY_SCHEMES.values() for c in scheme)})


#: (argument, text) -> code of the text values seen (bounded): a text code is read once.
_TEXT_CODES: dict[tuple[str, str], int] = {}


def _code(value: Any, arg: str, missing: int, invalid: int) -> int:
    if type(value) is str:
        hit = _TEXT_CODES.get((arg, value))
        if hit is not None:
            return hit
    key = code_text(value)
    code = missing if key is None else code_map(arg).get(key, invalid)
    if type(value) is str and len(value) <= 64:
        if len(_TEXT_CODES) > 4096:
            _TEXT_CODES.clear()
        _TEXT_CODES[arg, value] = code
    return code


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
    unit_of = parse_units(units) if units else _NO_UNITS
    months = (age_unit or unit_of.get("age", "days")) in ("months", "years")
    if age is None and birth_date is not None and visit_date is not None:
        age_value, months = _age_from_dates(birth_date, visit_date, date_format), False
    else:
        age_value = parse_age(age, months)
        if unit_of.get("age") == "years" and age_unit is None:
            age_value *= FACTORS["age"]["years"]
    given = (weight, lenhei, headc, armc, triskin, subskin)
    key = (weight is None, lenhei is None, headc is None, armc is None, triskin is None,
           subskin is None, months)
    inp, present, ages = _LOCAL.inputs.get(key) or _new_inputs(key)
    inp.sex[0] = _code(sex, "sex", rules.SEX_MISSING, rules.SEX_INVALID)
    ages[0] = age_value
    inp.measure[0] = _code(measure, "measure", rules.MEASURE_MISSING, rules.MEASURE_INVALID)
    inp.oedema[0] = _code(oedema, "oedema", rules.OEDEMA_NO, rules.OEDEMA_INVALID)
    for m, i, x, x_read_only in present:
        x[0] = parse_number(given[i])
        inp.measurements[m] = read_only(convert(x, FACTORS[UNIT_KIND[m]][unit_of[m]])) \
            if m in unit_of else x_read_only
    raw = compute(inp, precision=precision, scheme=scheme, standard=standard,
                  parallel=False, buffers=_LOCAL.buffers)
    return _result(raw, int(inp.sex[0]))


class _State(threading.local):
    """One thread's reused arrays: the kernel's outputs (compute's ``buffers``) and, per set of
    measurements given, the one-row inputs. Every value is copied into the result before the
    next call on the thread can overwrite it."""

    def __init__(self) -> None:
        self.buffers: dict = {}
        self.inputs: dict = {}


_LOCAL = _State()
_NO_UNITS: dict[str, str] = {}


def _new_inputs(key: tuple) -> tuple[Inputs, tuple, np.ndarray]:
    """The one-row inputs of a call with the measurements ``key`` says are given (and its age
    unit), kept for the thread's later calls: (Inputs, (name, argument index, array, its
    read-only view) of each measurement given, the age array). The kernel gets read-only
    views (as compute gives it for every batch: one compiled version of each kernel)."""
    arrays = [(m, i, np.zeros(1)) for i, m in enumerate(MEASUREMENTS) if not key[i]]
    present = tuple((m, i, x, read_only(x)) for m, i, x in arrays)
    ages = np.zeros(1)
    inp = Inputs(n=1, sex=np.zeros(1, dtype=np.int8), age=read_only(ages),
                 measure=np.zeros(1, dtype=np.int8), oedema=np.zeros(1, dtype=np.int8),
                 measurements={m: view for m, _, _, view in present},
                 age_unit="months" if key[-1] else "days")
    if len(_LOCAL.inputs) > 64:
        _LOCAL.inputs.clear()
    _LOCAL.inputs[key] = inp, present, ages
    return inp, present, ages


def _result(raw: Any, sex_code: int) -> ChildResult:
    """The result of one row of ``raw``, as Python values (copied out of the reused arrays;
    ``item(0)`` and one ``tolist`` per array: each numpy call costs a fraction of a
    microsecond, and a child takes about twenty)."""
    active = raw.active
    zs, fs, cs = raw.z.ravel().tolist(), raw.f.ravel().tolist(), raw.cat.ravel().tolist()
    has_len = raw.clenhei.size > 0
    clenhei = raw.clenhei.item(0) if has_len else math.nan
    cbmi = raw.cbmi.item(0) if raw.cbmi.size else math.nan
    measure_code = raw.cmeasure.item(0) if has_len else 0
    key = raw.reason.item(0)
    fields = {
        "csex": sex_code if sex_code > 0 else None,
        "standard": rules.STANDARD_LABELS[raw.standard.item(0)],
        "clenhei": clenhei if clenhei == clenhei else None,
        "cmeasure": ("l", "h")[measure_code - 1] if measure_code > 0 else None,
        "c9mo_flag": raw.c9mo.item(0) if has_len else None,
        "cbmi": cbmi if cbmi == cbmi else None,
        "z": MappingProxyType({"z" + name: (v if v == v else None)
                               for name, v in zip(active, zs, strict=True)}),
        "flags": MappingProxyType({"f" + name: (f if f >= 0 else None)
                                   for name, f in zip(active, fs, strict=True)}),
        "categories": MappingProxyType({column: (labels[k] if k >= 0 else None)
                                        for (column, labels), k in
                                        zip(raw.cat_columns, cs, strict=True)}),
        "reasons": MappingProxyType(reason_codes(key, active) if key else {}),
    }
    # every field set at once (the frozen dataclass's own __init__ sets them one by one,
    # through object.__setattr__: 2.4 us of a 20 us call)
    result = object.__new__(ChildResult)
    result.__dict__.update(fields)
    return result
