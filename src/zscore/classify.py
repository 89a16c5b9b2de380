"""Batch entry point: gather the inputs, call the kernel, assemble the output columns."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _kernels, rules, tables
from .errors import InputError
from .frames import Column, attach
from .inputs import AGE_UNITS, Inputs, gather
from .parse import SMALL, as_age, as_code, as_float, code_column  # noqa: F401 (re-exported)
from .resolve import MEASUREMENT_ARGS as MEASUREMENTS
from .resolve import Preset, Resolution

PRECISIONS = ("who", "full")
_EMPTY = _kernels.read_only(np.empty(0, dtype=np.float64))
_EMPTY_CODES = np.empty(0, dtype=np.int8)
_NO_OTHER = np.zeros((4, 0))

# --- the computation ------------------------------------------------------------------------------
_CONSTANTS = np.array([
    rules.DAYS_PER_MONTH, rules.MAX_AGE_MONTHS_2006, rules.MAX_AGE_DAYS_2006,
    rules.LENGTH_HEIGHT_SWITCH_DAY, rules.STANDING_MIN_AGE_MONTHS, rules.LENHEI_ADJUSTMENT_CM,
    rules.WFL_WFH_SWITCH_CM, *rules.WFL_RANGE_CM, *rules.WFH_RANGE_CM,
    rules.MIN_AGE_MONTHS_2007, rules.MAX_AGE_MONTHS_2007, rules.MAX_AGE_MONTHS_WFA_2007,
], dtype=np.float64)
_FLAG_LOW = np.array([i.flag_low for i in rules.INDICATORS_2006])
_FLAG_HIGH = np.array([i.flag_high for i in rules.INDICATORS_2006])
if np.abs(np.r_[_FLAG_LOW, _FLAG_HIGH]).max() >= (_kernels.HUNDREDTHS - 1) / 100:
    # categories_who reads every z that is not flagged from a table of |z| < 40.95
    raise RuntimeError("a flag threshold lies beyond the kernel's category table")
_RESTRICTED = np.array([i.restricted for i in rules.INDICATORS_2006])
_MIN_DAY = np.array([i.min_day for i in rules.INDICATORS_2006], dtype=np.float64)
_NEEDS = {"len": ("lenhei",), "wei": ("weight",), "wfl": ("weight", "lenhei"),
          "bmi": ("weight", "lenhei"), "hc": ("headc",), "ac": ("armc",), "ts": ("triskin",),
          "ss": ("subskin",)}


#: Output columns a category rule may not take.
_RESERVED = {"clenhei", "cmeasure", "c9mo_flag", "cbmi", "csex", "reason", "standard",
             *("z" + n for n in rules.INDICATOR_NAMES), *("f" + n for n in rules.INDICATOR_NAMES)}


def category_scheme(labels: str | Sequence[rules.Category]) -> tuple[rules.Category, ...]:
    """The category rules for ``labels=``: a scheme's name or the user's own rules (checked)."""
    if isinstance(labels, str):
        try:
            return rules.CATEGORY_SCHEMES[labels]
        except KeyError:
            raise InputError(f"labels={labels!r}: choose one of "
                             f"{sorted(rules.CATEGORY_SCHEMES)} or give Category rules") from None
    scheme = tuple(labels)
    if not all(isinstance(c, rules.Category) for c in scheme):
        raise InputError("labels must name a scheme or be a sequence of zscore.rules.Category")
    for c in scheme:
        _check_category(c)
    for i, c in enumerate(scheme):
        for other in scheme[i + 1:]:
            if other.column == c.column and set(other.standards) & set(c.standards):
                raise InputError(f"two category rules write column {c.column!r} for the same "
                                 f"standard ({sorted(set(other.standards) & set(c.standards))})")
    return scheme


def _check_category(c: rules.Category) -> None:
    where = f"Category {c.column!r}"
    if not isinstance(c.column, str) or not c.column or c.column in _RESERVED:
        raise InputError(f"{where}: the column name clashes with an output column")
    if c.indicator not in rules.INDICATOR_NAMES:
        raise InputError(f"{where}: indicator {c.indicator!r} is not one of "
                         f"{list(rules.INDICATOR_NAMES)}")
    values = [value for value, _ in c.cuts]
    if any(not math.isfinite(v) for v in values) or values != sorted(set(values)):
        raise InputError(f"{where}: cuts must be finite and strictly ascending")
    if len(c.labels) != len(c.cuts) + 1:
        raise InputError(f"{where}: {len(c.cuts)} cuts need {len(c.cuts) + 1} labels, "
                         f"got {len(c.labels)}")
    if not set(c.condition) <= set(c.labels):
        raise InputError(f"{where}: condition {c.condition} names labels it does not have")
    if not c.standards or not set(c.standards) <= set(rules.STANDARD_LABELS):
        raise InputError(f"{where}: standards must be among {list(rules.STANDARD_LABELS)}")
    if c.indicator not in rules.INDICATORS_2007 and "2007" in c.standards \
            and "2006" not in c.standards:
        raise InputError(f"{where}: the 2007 reference has no z{c.indicator}")


def check_options(precision: str, age_unit: str | None, standard: Any = "auto") -> str:
    """Check the options; returns ``standard`` as text (2007 and "2007" are the same)."""
    standard = str(standard)
    if standard not in rules.STANDARDS:
        raise InputError(f"standard={standard!r}: choose 'auto' (WHO 2006 under 60 months, the "
                         "WHO 2007 reference from 60 months), '2006' or '2007'")
    if precision not in PRECISIONS:
        raise InputError(f"precision={precision!r}: choose 'who' (2 decimals, as WHO publishes) "
                         "or 'full'")
    if age_unit is not None and age_unit not in AGE_UNITS:
        raise InputError(f"age_unit={age_unit!r}: choose 'days' or 'months' (or leave it "
                         "None: the column's name, else days)")
    return standard


@dataclass
class Raw:
    """Kernel outputs for n rows (numpy), before they become columns."""

    active: tuple[str, ...]  # indicator names computed, WHO order
    standard: np.ndarray  # int8[n]: 0 WHO 2006, 1 WHO 2007
    clenhei: np.ndarray
    cmeasure: np.ndarray
    c9mo: np.ndarray
    cbmi: np.ndarray
    z: np.ndarray  # float64[len(active), n]
    f: np.ndarray  # int8[len(active), n]
    reason: np.ndarray  # int64[n], 5 bits per indicator in kernel order
    cat_columns: tuple[tuple[str, tuple[str, ...]], ...]  # (column, labels) per row of cat
    cat: np.ndarray  # int8[len(cat_columns), n]: index into the column's labels, -1 missing


@dataclass(frozen=True)
class Plan:
    """What the kernel computes for a set of supplied measurements, a standard and a category
    scheme."""

    active: tuple[str, ...]
    slot: np.ndarray
    slot_indicator: np.ndarray
    cat_columns: tuple[tuple[str, tuple[str, ...]], ...]
    cat_slot: np.ndarray
    cat_col: np.ndarray
    cat_std: np.ndarray
    cat_cuts: np.ndarray
    cat_up: np.ndarray
    cat_n: np.ndarray
    cat_remap: np.ndarray  # int8[ncat, max cuts + 1]: a rule's class -> index in its column
    cat_lut: np.ndarray  # int8[ncat, 2 * HUNDREDTHS - 1]: column code of z = k/100
    power: tuple  # _kernels.power_slots: the rows of the kernel's power buffers


_PLANS: dict[tuple[frozenset[str], str, int], tuple[tuple[rules.Category, ...], Plan]] = {}


def plan(supplied: frozenset[str], standard: str, scheme: tuple[rules.Category, ...]) -> Plan:
    """The cached plan (keyed by the scheme's identity: hashing categories costs more than
    building a small plan, and a one-child call should not pay for it)."""
    key = (supplied, standard, id(scheme))
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is scheme:
        return hit[1]
    if len(_PLANS) > 256:
        _PLANS.clear()
    result = _make_plan(supplied, standard, scheme)
    _PLANS[key] = (scheme, result)
    return result


def _make_plan(supplied: frozenset[str], standard: str,
               scheme: tuple[rules.Category, ...]) -> Plan:
    names = rules.INDICATOR_NAMES if standard != "2007" else rules.INDICATORS_2007
    active = tuple(name for name in names if supplied.issuperset(_NEEDS[name]))
    slot = np.full(len(rules.INDICATOR_NAMES), -1, dtype=np.int64)
    for s, name in enumerate(active):
        slot[rules.INDICATOR_NAMES.index(name)] = s
    wanted = set(rules.STANDARD_LABELS) if standard == "auto" else {standard}
    categories = tuple(c for c in scheme if c.indicator in active and wanted & set(c.standards))
    # one output column per distinct name, its labels the union of its rules' labels
    columns: dict[str, list[str]] = {}
    for c in categories:
        labels = columns.setdefault(c.column, [])
        labels += [lab for lab in c.labels if lab not in labels]
    cat_columns = tuple((name, tuple(labels)) for name, labels in columns.items())
    col_names = list(columns)
    ncut = max((len(c.cuts) for c in categories), default=0)
    cat_slot = np.array([slot[rules.INDICATOR_NAMES.index(c.indicator)] for c in categories],
                        dtype=np.int64)
    cat_col = np.array([col_names.index(c.column) for c in categories], dtype=np.int64)
    cat_std = np.array([sum(1 << rules.STANDARD_LABELS.index(s) for s in set(c.standards))
                        for c in categories], dtype=np.int64)
    cat_cuts = np.zeros((len(categories), ncut))
    cat_up = np.zeros((len(categories), ncut), dtype=np.bool_)
    cat_n = np.array([len(c.cuts) for c in categories], dtype=np.int64)
    cat_remap = np.zeros((len(categories), ncut + 1), dtype=np.int8)
    for j, c in enumerate(categories):
        for k, (value, up) in enumerate(c.cuts):
            cat_cuts[j, k], cat_up[j, k] = value, up
        union = columns[c.column]
        cat_remap[j, : len(c.labels)] = [union.index(lab) for lab in c.labels]
    # the class of every 2-decimal z (WHO precision), by the same boundary rule as the kernel
    h = _kernels.HUNDREDTHS
    zs = np.arange(-(h - 1), h) / 100.0
    cat_lut = np.zeros((len(categories), zs.size), dtype=np.int8)
    for j, c in enumerate(categories):
        classes = np.zeros(zs.size, dtype=np.int64)
        for value, up in c.cuts:
            classes += (zs > value) | ((zs == value) & up)
        cat_lut[j] = cat_remap[j, classes]
    slot_indicator = np.array([rules.INDICATOR_NAMES.index(name) for name in active],
                              dtype=np.int64)
    return Plan(active, slot, slot_indicator, cat_columns, cat_slot, cat_col, cat_std, cat_cuts,
                cat_up, cat_n, cat_remap, cat_lut,
                _kernels.power_slots(slot, slot_indicator))


_MODE = {"auto": _kernels.STANDARD_AUTO, "2006": _kernels.STANDARD_2006,
         "2007": _kernels.STANDARD_2007}


def _allocate(n: int, p: Plan, has_len: bool, has_bmi: bool) -> Raw:
    return Raw(
        active=p.active,
        standard=np.empty(n, dtype=np.int8),
        clenhei=np.empty(n if has_len else 0),
        cmeasure=np.empty(n if has_len else 0, dtype=np.int8),
        c9mo=np.empty(n if has_len else 0, dtype=np.int8),
        cbmi=np.empty(n if has_bmi else 0),
        z=np.empty((len(p.active), n)),
        f=np.empty((len(p.active), n), dtype=np.int8),
        reason=np.empty(n, dtype=np.int64),
        cat_columns=p.cat_columns,
        cat=np.empty((len(p.cat_columns), n), dtype=np.int8),
    )


_WEIGHT_LENHEI = frozenset(MEASUREMENTS[:2])


def compute(inp: Inputs, *, precision: str, scheme: tuple[rules.Category, ...],
            standard: str = "auto", parallel: bool = True,
            buffers: dict | None = None, age_unit: str | None = None) -> Raw:
    """Run the kernel on normalised inputs (ages in ``inp.age_unit``, unless ``age_unit`` says
    otherwise). ``buffers`` (one thread's dict, for repeated calls on one child) keeps the
    output arrays of each plan for reuse: the caller must copy what it needs before the next
    call."""
    n = inp.n
    age_unit = age_unit or inp.age_unit
    p = plan(frozenset(inp.measurements), standard, scheme)
    slot = p.slot

    m = inp.measurements
    has_len = "lenhei" in m
    has_bmi = has_len and "weight" in m
    other = _NO_OTHER
    if standard != "2007" and not _WEIGHT_LENHEI.issuperset(m):  # head, arm, skinfolds
        other = np.zeros((4, n))
        for row, name in enumerate(MEASUREMENTS[2:]):
            if name in m:
                other[row] = m[name]

    if buffers is None:
        raw = _allocate(n, p, has_len, has_bmi)
    else:
        key = (id(p), n, has_len, has_bmi)
        raw = buffers.get(key)
        if raw is None or raw.active is not p.active:
            if len(buffers) > 64:
                buffers.clear()
            raw = buffers[key] = _allocate(n, p, has_len, has_bmi)
        # one child of 0-5 years: the kernel's steps with the arguments kept from the last call
        fast = buffers.get((key, precision, standard))
        if fast is not None and fast[0] is raw and other is _NO_OTHER and not inp.special:
            gather_args, power, finish_args, categories, category_args = fast[1:]
            if not _kernels.gather_2006(  # (zscore.child's inputs are read-only views)
                    0, n, inp.sex, inp.age, age_unit == "months", m.get("weight", _EMPTY),
                    m.get("lenhei", _EMPTY), inp.measure if has_len else _EMPTY_CODES,
                    inp.oedema, *gather_args):
                if power is not None:
                    np.power(*power)
                _kernels.finish(0, n, *finish_args)
                categories(0, n, *category_args)
                return raw  # no 2007 row: done (else the whole path below)
    packed = tables.packed_2006()
    read_only = _kernels.read_only  # one compiled version of each kernel (see read_only)
    inputs = (inp.sex, read_only(inp.age), age_unit == "months",
              read_only(m.get("weight", _EMPTY)), read_only(m.get("lenhei", _EMPTY)),
              inp.measure if has_len else _EMPTY_CODES, inp.oedema, other)
    kernel_tables = (packed.day_tables, packed.lenhei_tables, tables.packed_2007())
    kernel_plan = (_MODE[standard], slot, p.slot_indicator, _FLAG_LOW, _FLAG_HIGH, _RESTRICTED,
                   _MIN_DAY, _CONSTANTS, *p.power)
    cats = (p.cat_slot, p.cat_col, p.cat_std, p.cat_cuts, p.cat_up, p.cat_n, p.cat_remap,
            p.cat_lut)
    outputs = (raw.standard, raw.clenhei, raw.cmeasure, raw.c9mo, raw.cbmi, raw.z, raw.f,
               raw.reason, raw.cat)
    _kernels.score(inputs, kernel_tables, kernel_plan, cats, precision == "who", outputs,
                   threads=_kernels.default_threads() if parallel and n >= SMALL else 1,
                   cache=buffers)
    if buffers is not None and not inp.special and n <= _kernels.CHUNK:
        buffers[(key, precision, standard)] = (raw, *_kernels.small_batch_arguments(
            kernel_tables, kernel_plan, cats, precision == "who", outputs, buffers["chunks"]))
    if inp.special:
        special_reasons(raw, inp.special)
    return raw


#: The reasons a missing measurement gives, which a survey special code replaces.
_MISSING_REASONS = np.array([rules.REASON_CODE[r] for r in
                             ("weight_missing", "lenhei_missing", "measurement_missing")])


def special_reasons(raw: Raw, special: Mapping[str, np.ndarray]) -> None:
    """Where a measurement held a survey special code (9994 not present, ...), the z-scores it
    feeds say so instead of "weight_missing" (in place, on the packed reason keys)."""
    bits, mask = rules.REASON_BITS, (1 << rules.REASON_BITS) - 1
    for name in raw.active:
        k = rules.INDICATOR_NAMES.index(name)
        shift = np.int64(bits * k)
        for m in _NEEDS[name]:
            codes = special.get(m)
            if codes is None:
                continue
            current = (raw.reason >> shift) & mask
            hit = (codes > 0) & np.isin(current, _MISSING_REASONS)
            if hit.any():
                key = raw.reason[hit] & ~(np.int64(mask) << shift)
                raw.reason[hit] = key | (codes[hit].astype(np.int64) << shift)


# --- reasons ------------------------------------------------------------------------------------
def reason_codes(key: int, active: Sequence[str]) -> dict[str, str]:
    """Per z-score column, the reason name for a packed per-row key (computed ones omitted)."""
    out = {}
    for name in active:
        k = rules.INDICATOR_NAMES.index(name)
        code = (key >> (rules.REASON_BITS * k)) & ((1 << rules.REASON_BITS) - 1)
        if code:
            out["z" + name] = rules.REASONS[code][0]
    return out


def reason_label(key: int, active: Sequence[str]) -> str | None:
    """'oedema: zwei zwfl zbmi; measurement_missing: zhc' (None when every z was computed)."""
    grouped: dict[str, list[str]] = {}
    for column, reason in reason_codes(key, active).items():
        grouped.setdefault(reason, []).append(column)
    if not grouped:
        return None
    return "; ".join(f"{reason}: {' '.join(cols)}" for reason, cols in grouped.items())


def factorize_reasons(
    keys: np.ndarray, active: Sequence[str]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """int32 codes (-1 where every z was computed) and their labels."""
    if keys.size >= SMALL:  # key 0 (every z computed) is code -1 straight away
        codes, uniques, ok = _kernels.factorize_int64(keys, 1 << 12, True)
        if ok:
            return codes, tuple(reason_label(int(k), active) for k in uniques)
    # numpy for a small batch (nothing to compile for a first call), or many distinct keys
    uniques, codes = np.unique(keys, return_inverse=True)
    codes = codes.astype(np.int32)
    labels = [reason_label(int(k), active) for k in uniques]
    # give OK rows code -1 and renumber the rest densely
    remap = np.full(len(labels), -1, dtype=np.int32)
    kept: list[str] = []
    for j, lab in enumerate(labels):
        if lab is not None:
            remap[j] = len(kept)
            kept.append(lab)
    if len(kept) == len(labels):
        return codes, tuple(kept)
    return remap[codes], tuple(kept)


def columns(raw: Raw, inp: Inputs) -> list[Column]:
    """The output columns, in WHO's order, then categories and the reason."""
    out: list[Column] = []
    if raw.clenhei.size or (inp.n == 0 and "lenhei" in inp.measurements):
        out += [Column("clenhei", "float", raw.clenhei),
                Column("cmeasure", "category", raw.cmeasure - 1, ("l", "h")),
                Column("c9mo_flag", "int", raw.c9mo)]
    if raw.cbmi.size or (inp.n == 0 and {"lenhei", "weight"} <= set(inp.measurements)):
        out.append(Column("cbmi", "float", raw.cbmi))
    csex = np.where(inp.sex > 0, inp.sex, -1).astype(np.int8)
    out.append(Column("csex", "nullable", csex))
    for s, name in enumerate(raw.active):
        out += [Column("z" + name, "float", raw.z[s]), Column("f" + name, "nullable", raw.f[s])]
    for j, (column, labels) in enumerate(raw.cat_columns):
        out.append(Column(column, "category", raw.cat[j], labels))
    codes, labels = factorize_reasons(raw.reason, raw.active)
    out.append(Column("reason", "category", codes, labels))
    out.append(Column("standard", "category", raw.standard, rules.STANDARD_LABELS))
    return out


@dataclass
class Result:
    """What :func:`run` computed: the table to hand back, the kernel's codes and the inputs."""

    out: Any
    raw: Raw
    inputs: Inputs
    resolution: Any
    scheme: tuple[rules.Category, ...]


def scheme_for(labels: Any, preset: Preset | None) -> tuple[rules.Category, ...]:
    """The category scheme: ``labels``, else the preset's, else WHO/UNICEF's."""
    if labels is None:
        labels = preset.labels if preset is not None and preset.labels else "who"
    return category_scheme(labels)


def run(data: Any, given: Mapping[str, Any], *, age_unit: str | None = None,
        units: Any = None, date_format: str | None = None, preset: Any = None,
        value_labels: Any = None, precision: str = "who", labels: Any = None,
        standard: str = "auto", no_age: str = "warn", date_numbers: str = "excel",
        attach_to: Any = ..., resolution: Resolution | None = None) -> Result:
    """classify's whole computation, for the library and the command line: resolve and read the
    inputs, run the kernel, attach the columns (to ``attach_to`` when given, else ``data``).
    ``resolution``: an earlier batch's (the columns, units, codes and date order it found are
    kept for this one). numpy's floating-point warnings are off: bad values (a weight of
    1e308) get their reasons (inline, not a decorator, so warnings keep their stack levels)."""
    standard = check_options(precision, age_unit, standard)
    if labels is not None:
        category_scheme(labels)  # a bad scheme is an error before any work
    with np.errstate(all="ignore"):
        inp, res = gather(data, given, age_unit=age_unit, units=units,
                          date_format=date_format, preset=preset, value_labels=value_labels,
                          no_age=no_age, date_numbers=date_numbers, resolution=resolution)
        scheme = scheme_for(labels, res.preset)
        raw = compute(inp, precision=precision, scheme=scheme, standard=standard)
        target = data if attach_to is ... else attach_to
        return Result(attach(target, columns(raw, inp)), raw, inp, res, scheme)


def classify(
    data: Any = None,
    *,
    sex: Any = None,
    age: Any = None,
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
    preset: str | Mapping | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    precision: str = "who",
    labels: str | Sequence[rules.Category] | None = None,
    standard: str = "auto",
) -> Any:
    """WHO z-scores, flags and nutrition status, exactly as WHO's R packages compute them:
    ``anthro`` (WHO Child Growth Standards 2006, 0-5 years) and ``anthroplus`` (WHO Growth
    Reference 2007, 5-19 years).

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table, dict of arrays, or None
        The table holding the measurements. When given, each argument below is a column name
        (default: found by WHO's name or an alias, see docs/cli.md: ``jenis kelamin``,
        ``berat badan (kg)``, ``age_months``, ...); when None, each argument is an array.
    sex : column name or array
        1/"m"/"M" male, 2/"f"/"F" female (required); also male/female, boy/girl, L/P,
        laki-laki/perempuan.
    age : column name or array
        Age in ``age_unit``: exact, not rounded. Missing age: only weight-for-length/height.
    age_unit : {"days", "months"} or None
        Months are converted with WHO's 30.4375 days per month. None (default): the unit in the
        column's name (``age_months``, ``umur (bulan)``), else days.
    weight : kg. lenhei : length or height, cm. measure : "l" lying / "h" standing (also
        lying/standing, PB/TB, telentang/berdiri).
    oedema : "y"/"n" (or 1 yes / 2 no; missing means no oedema, as in WHO's software).
    headc, armc : cm. triskin, subskin : mm.
    birth_date, visit_date : column names or arrays of dates
        Without an ``age``, the age in days between them (as WHO Anthro computes it): real
        dates, ISO or day/month/year text, Excel serial numbers. Found by name too
        (``tanggal lahir``, ``tanggal penimbangan``, ``dob``, ...).
    date_format : {"dmy", "mdy", "ymd", "excel", "stata", "spss", "cdc"} or a strptime pattern
        How to read dates whose day/month order cannot be told from the data.
    units : mapping of argument to unit, optional
        ``{"lenhei": "mm", "weight": "g"}``: values are converted (weight kg, g, lb, 0.1kg;
        lengths cm, mm, m, in; skinfolds mm, cm). A unit nobody stated is checked: a height
        column that looks like metres is an InputError, never a z-score of -28.
    preset : {"dhs", "mics", "eppgbm"}, a mapping file (.toml) or a dict, optional
        A kind of file's column names, units, codes and special codes (docs/cli.md).
    value_labels : mapping of column to {code: label}, optional
        Stata/SPSS value labels (pyreadstat's ``meta.variable_value_labels``): a code column's
        labels ("male", "lying down") decide what its codes mean.
    precision : {"who", "full"}
        "who" (default): z rounded to 2 decimals as WHO publishes, flags and categories from the
        rounded z. "full": unrounded z, flags and categories from it.
    labels : {"who", "id"} or sequence of zscore.rules.Category
        Category scheme: WHO/UNICEF (English, the default) or Indonesia's Permenkes 2/2020
        (the default of ``preset="eppgbm"``).
    standard : {"auto", "2006", "2007"}
        "auto" (default): each row under 60 months (or without an age) is scored with the 2006
        standards, each row from 60 months with the 2007 reference (``zlen``, ``zwei``,
        ``zbmi`` then hold anthroplus's ``zhfa``, ``zwfa``, ``zbfa``). "2006" or "2007": one
        standard for every row, as ``anthro_zscores`` or ``anthroplus_zscores`` would.

    Returns
    -------
    The same kind of table with the columns appended (``clenhei cmeasure c9mo_flag cbmi csex``,
    ``z*``/``f*`` per indicator computed, the category columns, ``reason`` and ``standard``),
    rows untouched. With ``data=None``, a dict of numpy arrays (flags as float32 with NaN for
    missing); its label columns (``cmeasure``, the categories, ``reason``, ``standard``) are
    :class:`zscore.labels.Labels`: codes and the distinct labels, read row by row as a label or
    None (``out["stunting"][0]``, ``out["stunting"] == "stunted"``, ``np.asarray(...)``).

    Raises
    ------
    InputError
        A structural problem: no sex or measurement column, two columns that could both be the
        same argument, a unit that looks wrong, dates whose day/month order is ambiguous.

    Examples
    --------
    >>> import zscore
    >>> out = zscore.classify(sex=[1, 2], age=[400, 1000], weight=[9.1, 11.0],
    ...                       lenhei=[74.0, 86.2], measure=["l", "h"])
    >>> out["zlen"].tolist(), out["stunting"].tolist()
    ([-1.27, -1.81], ['normal', 'normal'])
    >>> teen = zscore.classify(sex=["f"], age=[150.5], age_unit="months", weight=[38.0],
    ...                        lenhei=[146.0])
    >>> teen["standard"].tolist(), teen["zbmi"].tolist(), teen["thinness"].tolist()
    (['2007'], [-0.26], ['normal'])
    >>> kms = {"JK": ["P"], "Tgl Lahir": ["15/01/2023"], "Tgl Ukur": ["20/03/2024"],
    ...        "BB (kg)": [8.1], "TB (cm)": [70.5], "Cara Ukur": ["Terlentang"]}
    >>> out = zscore.classify(kms)
    >>> out["zlen"].tolist(), out["stunting"].tolist()
    ([-2.24], ['stunted'])
    """
    given = dict(sex=sex, age=age, weight=weight, lenhei=lenhei, measure=measure, oedema=oedema,
                 headc=headc, armc=armc, triskin=triskin, subskin=subskin,
                 birth_date=birth_date, visit_date=visit_date)
    options = dict(age_unit=age_unit, units=units, date_format=date_format, preset=preset,
                   value_labels=value_labels, precision=precision, labels=labels,
                   standard=standard)
    if type(data).__name__ == "LazyFrame" and type(data).__module__.startswith("polars"):
        return _lazy(data, given, options)
    return run(data, given, **options).out


#: Rows read to decide the columns, units, codes and date order of a table classified in parts
#: (a polars LazyFrame, a Dask DataFrame): its first rows.
SAMPLE_ROWS = 100_000


def named_only(given: Mapping[str, Any], table: str, why: str) -> None:
    """Refuse arrays among the arguments of a table classified in parts: its columns must be
    named (an array cannot be ``why``)."""
    for name, value in given.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name}: name a column of {table} (arrays cannot be {why})")


def resolution_of(sample: Any, given: Mapping[str, Any], options: Mapping[str, Any]
                  ) -> Resolution:
    """The columns, units, codes and date order decided on ``sample`` (the first rows of a
    table classified in parts), with every check classify makes, without the values."""
    return run(sample, given, **options).resolution.detached()


def classify_part(part: Any, given: Mapping[str, Any], resolution: Resolution,
                  options: Mapping[str, Any]) -> Any:
    """classify of one part of a table, with the decisions of :func:`resolution_of`."""
    return run(part, given, resolution=resolution, **options).out


def _lazy(frame: Any, given: Mapping[str, Any], options: Mapping[str, Any]) -> Any:
    """A polars LazyFrame, classified lazily batch by batch (polars' streaming engine can run
    it): the columns are named, not given as arrays; the first rows decide as in one call."""
    named_only(given, "the LazyFrame", "matched to a LazyFrame's rows")
    resolution = resolution_of(frame.head(SAMPLE_ROWS).collect(), given, options)
    schema = classify_part(frame.head(0).collect(), given, resolution, options).schema
    return frame.map_batches(lambda part: classify_part(part, given, resolution, options),
                             schema=schema, streamable=True, predicate_pushdown=True,
                             slice_pushdown=True)
