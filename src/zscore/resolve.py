"""One way to find the columns, codes and units of a table, for every front end.

:func:`resolve` is the only place where a table's column names are matched to zscore's
arguments (``sex``, ``age``, ``weight``, ...): ``classify``, ``child``, ``prevalence``,
``quality`` and the command line all call it, so a file is read the same way everywhere.

For each argument, in this order:

1. a column named in the call (``weight="bb"``, ``--weight bb``), matched exactly, else by its
   normalised form (case, spaces and punctuation ignored: ``"age "`` is ``age``);
2. the preset's candidate names (``--preset dhs``: ``hw2`` or ``hc2``);
3. WHO's name and the aliases of ``data/columns.toml`` (``jenis kelamin``, ``berat badan (kg)``,
   ``age_months``, ...), compared in their normalised form.

Two columns that both fit one argument are an error naming both; a required argument that
fits no column is an error listing the columns seen and the nearest names. A unit in a column's
name (``age_months``, ``umur (bulan)``, ``berat (g)``) sets the unit, unless the call gives one.

Codes (sex, measure, oedema) are WHO's plus the aliases (``L``/``P``, ``laki-laki``,
``berdiri``/``terlentang``, ...), the preset's and a Stata/SPSS file's value labels.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import rules
from .dates import DateColumns
from .errors import InputError
from .frames import table_columns

#: The child's arguments, in kernel order, then the dates an age can come from.
CHILD_ARGS = ("sex", "age", "weight", "lenhei", "measure", "oedema", "headc", "armc", "triskin",
              "subskin")
MEASUREMENT_ARGS = ("weight", "lenhei", "headc", "armc", "triskin", "subskin")
CODE_ARGS = ("sex", "measure", "oedema")
DATE_ARGS = ("birth_date", "visit_date")
#: Survey design arguments: found only when named, in the call or by a preset (never by alias).
DESIGN_ARGS = ("weights", "cluster", "strata")
#: The programme tools' columns (zscore.audit, followup, rollup, read_register): the child's id,
#: name and place, and the statuses and z-scores a register already holds. Found by the
#: aliases of ``[programme.*]`` in data/columns.toml, only by the tools that ask for them.
PROGRAMME_ARGS = ("child", "name", "kabupaten", "kecamatan", "puskesmas", "desa", "posyandu",
                  "status_len", "status_wei", "status_wfl", "stored_zlen", "stored_zwei",
                  "stored_zwfl")

#: The kind of unit each argument has, and each unit's factor to WHO's unit (kg, cm, mm, days).
UNIT_KIND = {"age": "age", "weight": "weight", "lenhei": "length", "headc": "length",
             "armc": "length", "triskin": "skinfold", "subskin": "skinfold"}
FACTORS: dict[str, dict[str, float]] = {
    "age": {"days": 1.0, "months": 1.0, "years": 12.0},  # years become months
    "weight": {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "0.1kg": 0.1},
    "length": {"cm": 1.0, "mm": 0.1, "m": 100.0, "in": 2.54, "0.1cm": 0.1},
    "skinfold": {"mm": 1.0, "cm": 10.0, "0.1mm": 0.1},
}
WHO_UNIT = {"age": "days", "weight": "kg", "length": "cm", "skinfold": "mm"}
#: Other spellings of units accepted in ``units=`` / ``--units``.
UNIT_SPELLINGS = {"hg": "0.1kg", "kilograms": "kg", "grams": "g", "gram": "g", "kgs": "kg",
                  "lbs": "lb", "pounds": "lb", "centimetres": "cm", "centimeters": "cm",
                  "millimetres": "mm", "millimeters": "mm", "metres": "m", "meters": "m",
                  "inches": "in", "inch": "in", "day": "days", "month": "months",
                  "year": "years", "tenths of kg": "0.1kg", "tenths of cm": "0.1cm",
                  "0.1 kg": "0.1kg", "0.1 cm": "0.1cm", "0.1 mm": "0.1mm"}
#: Words set aside in a column name besides units ("age in months").
_FILLER = {"in", "dalam", "the"}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_BRACKETS = re.compile(r"[(\[{][^)\]}]*[)\]}]")
_WHITESPACE = re.compile(r"\s+")


def normalise_name(name: Any) -> str:
    """A column name as compared with the alias table: accents dropped, lower case, every run of
    characters that are not letters or digits one space ("Berat Badan (kg)" -> "berat badan
    kg")."""
    text = unicodedata.normalize("NFKD", str(name)).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(t for t in _NON_ALNUM.split(text) if t)


def code_key(text: str) -> str:
    """A code as compared: trimmed, lower case, single spaces (WHO trims and lower-cases)."""
    return _WHITESPACE.sub(" ", text.strip().casefold())


# --- the vocabulary (data/columns.toml) -----------------------------------------------------------
@dataclass(frozen=True)
class Vocabulary:
    """Column aliases, unit words and codes, from ``data/columns.toml`` and rules.py."""

    aliases: dict[str, tuple[str, ...]]  # argument -> normalised names (WHO's name first)
    unit_words: dict[str, dict[str, str]]  # unit kind -> {word: unit}
    codes: dict[str, dict[str, int]]  # code argument -> {code key: kernel code}
    missing_codes: frozenset[str]

    def argument_of(self, name: Any, args: Sequence[str]) -> tuple[str, str | None] | None:
        """(argument, unit or None) that a column name fits among ``args``, or None. A part in
        brackets may be a unit ("Berat (kg)") or a hint at the codes ("JK (L/P)"): the name is
        also tried without it."""
        norm = normalise_name(name)
        bare = normalise_name(_BRACKETS.sub(" ", str(name)))
        tokens = norm.split()
        for arg in args:
            names = self.aliases.get(arg, ())
            if norm in names:
                return arg, None
            kind = UNIT_KIND.get(arg)
            words = self.unit_words[kind] if kind is not None else {}
            units = {words[t] for t in tokens if t in words}
            if len(units) > 1 and "in" in units and "in" in tokens:
                units.discard("in")  # "height in cm": "in" is a word, not inches
            if bare and bare in names and not units:
                return arg, None  # "JK (L/P)", "Tinggi Badan (PB/TB)": a hint, not a unit
            if kind is None:
                continue
            base = " ".join(t for t in tokens if t not in words and t not in _FILLER)
            if units and base in names:
                if len(units) > 1:
                    raise InputError(f"column {str(name)!r}: its name gives two units for "
                                     f"{arg} ({', '.join(sorted(units))}); name the unit with "
                                     f"units={{'{arg}': ...}} (--units {arg}=...)")
                return arg, units.pop()
        return None


_MEANING = {
    "sex": {"male": rules.SEX_MALE, "female": rules.SEX_FEMALE},
    "measure": {"length": rules.MEASURE_LENGTH, "height": rules.MEASURE_HEIGHT},
    "oedema": {"yes": rules.OEDEMA_YES, "no": rules.OEDEMA_NO},
}
WHO_CODES = {"sex": rules.SEX_CODES, "measure": rules.MEASURE_CODES, "oedema": rules.OEDEMA_CODES}
#: The code for a missing value of each code argument (oedema: missing means none, as WHO).
MISSING_CODE = {"sex": rules.SEX_MISSING, "measure": rules.MEASURE_MISSING,
                "oedema": rules.OEDEMA_NO}
INVALID_CODE = {"sex": rules.SEX_INVALID, "measure": rules.MEASURE_INVALID,
                "oedema": rules.OEDEMA_INVALID}


def _data_text(name: str) -> str:
    return resources.files("zscore").joinpath("data", name).read_text(encoding="utf-8")


@cache
def vocabulary() -> Vocabulary:
    data = tomllib.loads(_data_text("columns.toml"))
    aliases = {arg: tuple(dict.fromkeys([normalise_name(arg)] +
                                        [normalise_name(n) for n in spec["names"]]))
               for arg, spec in (*data["columns"].items(), *data.get("programme", {}).items())}
    unit_words = {kind: {normalise_name(w): unit for unit, words in spec.items() for w in words}
                  for kind, spec in data["units"].items()}
    codes: dict[str, dict[str, int]] = {}
    for arg, meanings in _MEANING.items():
        merged = dict(WHO_CODES[arg])  # WHO's own codes win over any alias
        for meaning, words in data["codes"][arg].items():
            for word in words:
                merged.setdefault(code_key(word), meanings[meaning])
        codes[arg] = merged
    missing = frozenset(code_key(w) for w in data["codes"]["missing"]["any"])
    return Vocabulary(aliases, unit_words, codes, missing)


def code_map(arg: str) -> dict[str, int]:
    """Every code zscore reads for ``sex``, ``measure`` or ``oedema``: WHO's and the aliases."""
    return vocabulary().codes[arg]


# --- presets and mapping files --------------------------------------------------------------------
@dataclass(frozen=True)
class SpecialCodes:
    """Values of a survey column that are not measurements: exact values (9994) and ranges
    (``>= 9990``), each with a reason name ("missing": just missing)."""

    exact: Mapping[float, str] = field(default_factory=dict)
    at_least: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True)
class DateParts:
    """The candidate columns of a date held as day, month and year numbers."""

    day: tuple[str, ...]
    month: tuple[str, ...]
    year: tuple[str, ...]
    impute_day: int | None = None  #: the day used when the day is unknown (DHS: 16)


@dataclass(frozen=True)
class Preset:
    """A data file naming a kind of file's columns, units and codes (``--preset``/``--mapping``).

    See docs/cli.md for the format; the shipped presets are ``data/presets/*.toml``."""

    name: str
    title: str = ""
    source: str = ""
    #: argument -> candidate column names (any case); the one the file has is used
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: argument -> unit of the preset's column (age: days/months/years; weight: kg, 0.1kg, ...)
    units: Mapping[str, str] = field(default_factory=dict)
    #: design argument -> factor (DHS weights: 0.000001)
    scale: Mapping[str, float] = field(default_factory=dict)
    #: code argument -> {the file's code: WHO's code ("m", "f", "l", "h", "y", "n") or "" missing}
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: measurement (or age) argument -> its survey special codes and their reasons
    special: Mapping[str, SpecialCodes] = field(default_factory=dict)
    #: date argument -> the day, month and year columns a date is made of (DHS PR, MICS)
    dates: Mapping[str, DateParts] = field(default_factory=dict)
    date_format: str | None = None
    labels: str | None = None
    #: sets of columns whose presence says a file is of this kind
    detect: tuple[tuple[str, ...], ...] = ()
    #: the survey's own tables' population (DHS: de facto children), for prevalence
    population: Population | None = None


@dataclass(frozen=True)
class Population:
    """The rows a survey's own tables count (``[population]`` of a preset): those whose
    column (the first of ``columns`` the file has; none: every row) holds one of ``keep``.
    prevalence leaves the others out with a note saying ``why``; classify and quality count
    every row (a data-quality check is about every measurement taken)."""

    columns: tuple[str, ...]
    keep: tuple[Any, ...]
    why: str

    def column(self, names: Sequence[str]) -> str | None:
        """The file's column among ``names`` (any case), or None."""
        lower = {n.lower(): n for n in reversed(list(names))}
        for c in self.columns:
            if c.lower() in lower:
                return lower[c.lower()]
        return None

    def members(self, values: Any) -> Any:
        """Whether each value is one of ``keep``: the same number (1, 1.0, "1") or, for a
        text, the same words in any case."""
        import numpy as np

        from .parse import code_text, parse_number

        numbers = {float(k) for k in self.keep if not isinstance(k, str)}
        texts = {code_key(str(k)) for k in self.keep}

        def member(v: Any) -> bool:
            x = parse_number(v)  # NaN: missing; -inf: not a number (text, a bool, ...)
            if np.isfinite(x):
                return x in numbers
            text = code_text(v) if x == -math.inf else None
            return text is not None and code_key(text) in texts

        codes = getattr(values, "codes", None)
        if codes is not None:  # frames.Factorized: each distinct value read once
            hits = np.array([member(u) for u in values.uniques] + [False], dtype=bool)
            return hits[codes]  # code -1 (missing) reads the last entry
        array = np.asarray(values)
        if array.dtype.kind in "biuf":
            return np.isin(array, list(numbers)) if numbers else np.zeros(array.size, bool)
        return np.fromiter((member(v) for v in array.tolist()), dtype=bool, count=array.size)


def preset_names() -> list[str]:
    folder = resources.files("zscore").joinpath("data", "presets")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def preset_text(name: str) -> str:
    """The shipped preset's file, to copy and edit (``zscore presets --show NAME``)."""
    if name not in preset_names():
        raise InputError(f"preset {name!r}: choose one of {preset_names()}, or give a mapping "
                         "file (--mapping my.toml)")
    return _data_text(f"presets/{name}.toml")


@cache
def _shipped_preset(name: str) -> Preset:
    return parse_preset(preset_text(name), name)


def load_preset(preset: str | Path | Preset | Mapping | None) -> Preset | None:
    """A shipped preset by name, a mapping file (.toml) by path, a Preset, or a dict in the
    file's form."""
    if preset is None or isinstance(preset, Preset):
        return preset
    if isinstance(preset, Mapping):
        return _preset_from(dict(preset), str(preset.get("name", "mapping")))
    text = str(preset)
    if text in preset_names():
        return _shipped_preset(text)
    path = Path(text)
    if path.suffix.lower() != ".toml" and not path.is_file():
        raise InputError(f"preset {text!r}: choose one of {preset_names()}, or give a mapping "
                         "file ending in .toml")
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return parse_preset(content, path.stem, path)


def parse_preset(text: str, name: str, path: Path | None = None) -> Preset:
    where = str(path) if path is not None else f"preset {name!r}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not a valid TOML file: {exc}") from None
    return _preset_from(data, name, where)


_PRESET_KEYS = {"name", "title", "source", "columns", "units", "scale", "codes", "special",
                "dates", "date_format", "labels", "detect", "population"}
#: Reason names a special code may have besides rules.SPECIAL_REASONS.
_PLAIN_MISSING = "missing"


def _preset_from(data: dict, name: str, where: str | None = None) -> Preset:
    where = where or f"mapping {name!r}"
    unknown = set(data) - _PRESET_KEYS
    if unknown:
        raise InputError(f"{where}: unknown entries {sorted(unknown)}; a mapping has "
                         f"{sorted(_PRESET_KEYS)}")
    args = (*CHILD_ARGS, *DATE_ARGS, *DESIGN_ARGS, *PROGRAMME_ARGS)

    def table(key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise InputError(f"{where}: [{key}] must be a table")
        bad = set(value) - set(args)
        if bad:
            raise InputError(f"{where}: [{key}] names {sorted(bad)}, which are not arguments; "
                             f"choose among {list(args)}")
        return value

    columns = {arg: _names(names) for arg, names in table("columns").items()}
    units = {arg: check_unit(arg, str(u), where) for arg, u in table("units").items()}
    scale = {arg: float(v) for arg, v in table("scale").items()}
    codes: dict[str, dict[str, str]] = {}
    for arg, mapping in table("codes").items():
        if arg not in CODE_ARGS:
            raise InputError(f"{where}: [codes.{arg}]: codes are for {list(CODE_ARGS)}")
        codes[arg] = {code_key(str(k)): code_key(str(v)) for k, v in mapping.items()}
        bad = {v for v in codes[arg].values() if v and v not in WHO_CODES[arg]}
        if bad:
            raise InputError(f"{where}: [codes.{arg}] maps to {sorted(bad)}; use WHO's codes "
                             f"{sorted(WHO_CODES[arg])} or \"\" for missing")
    special = {arg: _special_codes(arg, mapping, where)
               for arg, mapping in table("special").items()}
    parts = {}
    for arg, spec in table("dates").items():
        if arg not in DATE_ARGS or not isinstance(spec, dict):
            raise InputError(f"{where}: [dates.{arg}]: dates are {list(DATE_ARGS)}, each with "
                             "day, month and year column names")
        try:
            parts[arg] = DateParts(*(_names(spec[k]) for k in ("day", "month", "year")),
                                   impute_day=spec.get("impute_day"))
        except KeyError as exc:
            raise InputError(f"{where}: [dates.{arg}] needs {exc.args[0]}") from None
    detect = data.get("detect", [])
    population = _population(data.get("population"), where)
    return Preset(
        name=str(data.get("name", name)), title=str(data.get("title", "")),
        source=str(data.get("source", "")), columns=columns, units=units, scale=scale,
        codes=codes, special=special, dates=parts, date_format=data.get("date_format"),
        labels=data.get("labels"), detect=tuple(tuple(d) for d in detect),
        population=population)


def _population(spec: Any, where: str) -> Population | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or set(spec) - {"column", "keep", "why"} or \
            "column" not in spec or "keep" not in spec:
        raise InputError(f"{where}: [population] needs column (a name or a list of names) and "
                         "keep (the values of the rows counted), and may have why")
    keep = spec["keep"] if isinstance(spec["keep"], list) else [spec["keep"]]
    return Population(_names(spec["column"]), tuple(keep),
                      str(spec.get("why", f"not in the survey's population ({spec['column']})")))


def _names(names: Any) -> tuple[str, ...]:
    return (names,) if isinstance(names, str) else tuple(map(str, names))


def _special_codes(arg: str, mapping: Any, where: str) -> SpecialCodes:
    if arg not in (*MEASUREMENT_ARGS, "age") or not isinstance(mapping, dict):
        raise InputError(f"{where}: [special.{arg}]: special codes are for "
                         f"{list(MEASUREMENT_ARGS)} and age")
    allowed = (*rules.SPECIAL_REASONS, _PLAIN_MISSING) if arg != "age" else (_PLAIN_MISSING,)
    exact, at_least = {}, []
    for key, reason in mapping.items():
        if reason not in allowed:
            raise InputError(f"{where}: [special.{arg}] {key} = {reason!r}: choose among "
                             f"{list(allowed)}")
        text = str(key).strip()
        try:
            if text.startswith(">="):
                at_least.append((float(text[2:]), reason))
            else:
                exact[float(text)] = reason
        except ValueError:
            raise InputError(f"{where}: [special.{arg}] {key!r}: give a number or '>=NUMBER'") \
                from None
    return SpecialCodes(exact, tuple(sorted(at_least, reverse=True)))


def check_unit(arg: str, unit: str, where: str = "units") -> str:
    """A unit for an argument, in its canonical spelling ("grams" -> "g")."""
    kind = UNIT_KIND.get(arg)
    if kind is None:
        raise InputError(f"{where}: {arg} has no unit; units are for {list(UNIT_KIND)}")
    canonical = UNIT_SPELLINGS.get(code_key(unit), code_key(unit))
    if canonical not in FACTORS[kind]:
        raise InputError(f"{where}: {arg}={unit!r}: choose one of {list(FACTORS[kind])}")
    return canonical


def parse_units(units: Mapping[str, str] | str | None) -> dict[str, str]:
    """``{"lenhei": "mm"}`` or the command line's ``lenhei=mm,weight=g``, checked."""
    if units is None:
        return {}
    if isinstance(units, str):
        pairs = {}
        for part in units.split(","):
            if not part.strip():
                continue
            arg, sep, unit = part.partition("=")
            if not sep:
                raise InputError(f"--units {units!r}: write ARGUMENT=UNIT pairs, e.g. "
                                 "lenhei=mm,weight=g")
            pairs[arg.strip()] = unit.strip()
        units = pairs
    return {arg: check_unit(arg, unit) for arg, unit in units.items()}


# --- resolving a table ----------------------------------------------------------------------------
@dataclass
class Found:
    """Where one argument's values come from."""

    arg: str
    column: str | None  # the table's column; None for an array or a single value
    values: Any
    how: str  # "named" | "preset" | "alias" | "array"
    unit: str | None = None
    unit_from: str = ""  # "argument" | "preset" | "name" | "default" | "dates"
    #: a date held as day, month and year columns: their names
    parts: tuple[str, ...] = ()


@dataclass
class Resolution:
    """What :func:`resolve` found: each argument's values, unit and codes."""

    n: int | None
    found: dict[str, Found]
    preset: Preset | None
    #: code argument -> {code key: kernel code} for that column (aliases, preset, labels)
    codes: dict[str, dict[str, int]]
    #: measurement (or age) argument -> its special codes (found through the preset)
    special: dict[str, SpecialCodes]
    date_format: str | None
    #: the age comes from the birth and visit dates (an age column, if any, where they are
    #: missing)
    age_from_dates: bool = False
    #: optional arguments no column fits (measure, oedema), with columns that might be them
    absent: dict[str, list[str]] = field(default_factory=dict)

    def column(self, arg: str) -> Any:
        f = self.found.get(arg)
        return None if f is None else f.values

    def rebind(self, data: Any) -> Resolution:
        """The same resolution for another table with the same columns (the next batch of a
        file read in batches): every decision (columns, units, codes, date order) is kept."""
        _, getter, n = table_columns(data)
        found = {}
        for arg, f in self.found.items():
            if f.column is None:
                raise InputError(f"{arg}: values given as an array cannot be read in batches")
            if f.parts:
                values = DateColumns(*map(getter, f.parts), f.values.impute_day)
            else:
                values = getter(f.column)
            found[arg] = dataclasses.replace(f, values=values)
        return dataclasses.replace(self, n=n, found=found, absent=dict(self.absent))

    def detached(self) -> Resolution:
        """This resolution without the values it was made from (small, to send to the workers
        that :meth:`rebind` it to their parts)."""
        found = {arg: dataclasses.replace(f, values=DateColumns(None, None, None,
                                                                f.values.impute_day)
                                          if f.parts else None)
                 for arg, f in self.found.items()}
        return dataclasses.replace(self, found=found, absent=dict(self.absent))

    def unit(self, arg: str) -> str:
        f = self.found.get(arg)
        kind = UNIT_KIND[arg]
        return f.unit if f is not None and f.unit else WHO_UNIT[kind]

    def describe(self) -> list[str]:
        """One line per argument found, for the command line."""
        lines = []
        for arg, f in self.found.items():
            if arg in DATE_ARGS and self.age_from_dates:
                continue
            if arg == "age" and self.age_from_dates:
                continue
            source = repr(f.column) if f.column is not None else "the values given"
            detail = []
            if f.how == "preset" and self.preset is not None:
                detail.append(f"preset {self.preset.name}")
            if f.unit and arg in UNIT_KIND:
                detail.append(f"{f.unit}" + {"name": ", from its name", "preset": "",
                                             "default": "", "argument": ""}.get(f.unit_from, ""))
            if arg in DESIGN_ARGS and self.preset is not None and arg in self.preset.scale:
                detail.append(f"x {self.preset.scale[arg]:g}")
            lines.append(f"{arg:8s} <- {source}" + (f" ({', '.join(detail)})" if detail else ""))
        for arg, maybe in self.absent.items():
            what = {"measure": "no ±0.7 cm length/height adjustment, as WHO without a position",
                    "oedema": "no child has oedema, as WHO without an oedema column"}[arg]
            hint = (f"; {', '.join(map(repr, maybe))} could be it: {option_name(arg)} "
                    f"{maybe[0]}" if maybe else "")
            lines.append(f"{arg:8s} <- none ({what}{hint})")
        if self.age_from_dates:
            birth, visit = self.found["birth_date"], self.found["visit_date"]
            order = {"dmy": "day/month/year", "mdy": "month/day/year",
                     "ymd": "year/month/day", "cdc": "DHS century day codes",
                     "excel": "Excel serial days", "stata": "Stata dates",
                     "spss": "SPSS dates"}.get(self.date_format or "", self.date_format)
            text = (f"age      <- days from {_name(birth)} to {_name(visit)}"
                    + (f" (read as {order})" if order else ""))
            if "age" in self.found:
                text += f"; {_name(self.found['age'])} where a date is missing"
            lines.insert(1 if "sex" in self.found else 0, text)
        return lines


#: Words in a column's name that suggest an optional argument no alias matched.
_ABSENT_HINTS = {
    "measure": {"position", "posisi", "lying", "standing", "recumbent", "ukur", "measure",
                "measured", "method", "cara"},
    "oedema": {"oedema", "edema", "udem", "odem", "bengkak"},
}


def _name(f: Found) -> str:
    return repr(f.column) if f.column is not None else f"the {f.arg} values given"


def _matches(index: Mapping[str, list[str]], names: Sequence[str], wanted: str) -> list[str]:
    """The table's columns a name given by the user means: the exact name, else every column
    whose normalised name equals the given one's."""
    if wanted in names:
        return [wanted]
    return list(index.get(normalise_name(wanted), []))


def nearest(names: Sequence[str], candidates: Sequence[str], n: int = 3) -> list[str]:
    """The table's columns closest to any of ``candidates`` (normalised names compared)."""
    by_norm: dict[str, str] = {}
    for name in names:
        by_norm.setdefault(normalise_name(name), name)
    scores: dict[str, float] = {}
    for cand in candidates:
        for norm, name in by_norm.items():
            ratio = difflib.SequenceMatcher(None, normalise_name(cand), norm).ratio()
            if ratio >= 0.6:
                scores[name] = max(scores.get(name, 0.0), ratio)
    return [name for name, _ in sorted(scores.items(), key=lambda kv: -kv[1])[:n]]


def _shown(names: Sequence[str], most: int = 25) -> str:
    listed = ", ".join(repr(n) for n in names[:most])
    return listed + (f" and {len(names) - most} more" if len(names) > most else "")


def option_name(arg: str) -> str:
    return "--" + arg.replace("_", "-")


def not_found(arg: str, names: Sequence[str], wanted: str | None = None,
              extra: str = "") -> InputError:
    """The error for a column that is not there, with the columns seen and the nearest."""
    vocab = vocabulary()
    candidates = [wanted] if wanted else list(vocab.aliases.get(arg, (arg,)))
    close = nearest(names, candidates)
    if wanted:
        head = f"{arg}={wanted!r} ({option_name(arg)} {wanted}): no such column"
    else:
        looked = ", ".join(repr(a) for a in vocab.aliases.get(arg, (arg,))[:6])
        head = (f"{arg} is required: no column looks like it (looked for {looked}, ...; "
                f"name it with {arg}='COLUMN' or {option_name(arg)} COLUMN)")
    hint = f"; nearest: {', '.join(repr(c) for c in close)}" if close else ""
    return InputError(f"{head}{extra}. The table has {len(names)} columns: {_shown(names)}{hint}")


def _two(arg: str, columns: Sequence[str], why: str) -> InputError:
    if len(set(columns)) == 1:
        return InputError(f"column {columns[0]!r} appears {len(columns)} times in the table; "
                          "rename all but one")
    both = " and ".join(repr(c) for c in columns)
    return InputError(f"{arg}: {both} could both be the {arg} ({why}); name the one to use "
                      f"with {arg}='COLUMN' ({option_name(arg)} COLUMN)")


def resolve(
    data: Any,
    given: Mapping[str, Any],
    *,
    preset: Preset | None = None,
    age_unit: str | None = None,
    units: Mapping[str, str] | None = None,
    date_format: str | None = None,
    value_labels: Mapping[str, Mapping[Any, str]] | None = None,
    args: Sequence[str] = CHILD_ARGS,
) -> Resolution:
    """Find each of ``args`` in ``data`` (a table, or None when ``given`` holds arrays).

    ``given`` maps arguments to a column name, an array (or single value) or None (look for
    it). Dates are looked for whenever ``age`` is in ``args`` and not given."""
    units = dict(units or {})
    found: dict[str, Found] = {}
    wanted = list(args)
    if "age" in wanted:
        wanted += [d for d in DATE_ARGS if d not in wanted]
    if data is None:
        for arg in wanted:
            value = given.get(arg)
            if value is not None:
                found[arg] = Found(arg, None, value, "array")
        n = None
    else:
        names, getter, n = table_columns(data)
        index: dict[str, list[str]] = {}
        for name in names:
            index.setdefault(normalise_name(name), []).append(name)
        vocab = vocabulary()
        taken: dict[str, str] = {}  # column -> argument, for columns found by alias

        for arg in wanted:
            value = given.get(arg)
            if value is None:
                continue
            if not isinstance(value, str):
                found[arg] = Found(arg, None, value, "array")
                continue
            hits = _matches(index, names, value)
            if not hits:
                raise not_found(arg, names, value)
            if len(hits) > 1:
                raise _two(arg, hits, f"both are {value!r} in another case or spacing")
            found[arg] = Found(arg, hits[0], getter(hits[0]), "named")
        named = {f.column for f in found.values() if f.column is not None}

        if preset is not None:
            for arg, candidates in preset.columns.items():
                if arg in found or arg not in wanted:
                    continue
                hits = list(dict.fromkeys(h for c in candidates
                                          for h in _matches(index, names, c)))
                if len(hits) > 1:
                    raise _two(arg, hits, f"preset {preset.name} lists both")
                if hits:
                    found[arg] = Found(arg, hits[0], getter(hits[0]), "preset")
                    taken[hits[0]] = arg

        if preset is not None:  # dates held as day, month and year columns
            for arg, spec in preset.dates.items():
                if arg in found or arg not in wanted:
                    continue
                cols = []
                for part, candidates in zip(("day", "month", "year"),
                                            (spec.day, spec.month, spec.year), strict=True):
                    hits = list(dict.fromkeys(h for c in candidates
                                              for h in _matches(index, names, c)))
                    if len(hits) > 1:
                        raise _two(f"{arg} ({part})", hits, f"preset {preset.name} lists both")
                    cols.append(hits[0] if hits else None)
                if all(cols):
                    found[arg] = Found(arg, "/".join(cols), DateColumns(
                        *(getter(c) for c in cols), spec.impute_day), "preset",
                        parts=tuple(cols))
                    taken.update(dict.fromkeys(cols, arg))

        alias_args = [a for a in wanted if a not in found and a not in DESIGN_ARGS]
        by_alias: dict[str, list[tuple[str, str | None]]] = {}
        for name in names:
            if name in named or name in taken:
                continue
            hit = vocab.argument_of(name, alias_args)
            if hit is not None:
                by_alias.setdefault(hit[0], []).append((name, hit[1]))
        for arg in alias_args:
            hits = by_alias.get(arg, [])
            exact = [h for h in hits if normalise_name(h[0]) == normalise_name(arg)]
            if len(hits) > 1 and len(exact) == 1:
                hits = exact  # WHO's own name wins over an alias ("lenhei" beside "height")
            if len(hits) > 1:
                raise _two(arg, [h for h, _ in hits], "both names mean it")
            if hits:
                column, unit = hits[0]
                f = Found(arg, column, getter(column), "alias")
                if unit is not None:
                    f.unit, f.unit_from = unit, "name"
                found[arg] = f

    # units: the call's, else the preset's for its own columns, else the name's, else WHO's
    for arg, f in found.items():
        kind = UNIT_KIND.get(arg)
        if kind is None:
            continue
        if arg == "age" and age_unit is not None:
            f.unit, f.unit_from = age_unit, "argument"
        elif arg in units:
            f.unit, f.unit_from = units[arg], "argument"
        elif f.how == "preset" and preset is not None and arg in preset.units:
            f.unit, f.unit_from = preset.units[arg], "preset"
        elif not f.unit:
            f.unit, f.unit_from = WHO_UNIT[kind], "default"

    codes = {arg: _column_codes(arg, found.get(arg), preset, value_labels) for arg in CODE_ARGS
             if arg in wanted}
    special = {}
    for arg in MEASUREMENT_ARGS:  # a Stata/SPSS label on a measurement value makes it a code
        f = found.get(arg)
        labels = (value_labels or {}).get(f.column) if f is not None and f.column else None
        if labels:
            labelled = labelled_codes(labels)
            if labelled.exact:
                special[arg] = labelled
    if preset is not None:
        for arg, special_codes in preset.special.items():
            f = found.get(arg)
            if f is not None and f.how == "preset":
                special[arg] = special_codes
    absent = {}
    if data is not None:
        for arg, words in _ABSENT_HINTS.items():
            if arg in args and arg not in found:
                used = {f.column for f in found.values()}
                absent[arg] = [c for c in names if c not in used
                               and words & set(normalise_name(c).split())][:3]
    res = Resolution(n, found, preset, codes, special,
                     date_format if date_format is not None else
                     (preset.date_format if preset is not None else None), absent=absent)
    # an age named in the call, in WHO's own name, or given a unit by the caller is the age;
    # dates found by their names replace only an age found by an alias (e-PPGBM's "Umur" in
    # completed months), which then fills the rows without dates
    explicit_age = "age" in found and (found["age"].how in ("named", "array")
                                       or normalise_name(found["age"].column) == "age"
                                       or age_unit is not None)
    res.age_from_dates = ("birth_date" in found and "visit_date" in found
                          and "age" in args and not explicit_age)
    if not res.age_from_dates:
        for d in DATE_ARGS:  # a lone date: kept for quality's birth-date checks
            if d in found and d not in args:
                del found[d]
    return res


def _column_codes(arg: str, f: Found | None, preset: Preset | None,
                  value_labels: Mapping[str, Mapping[Any, str]] | None) -> dict[str, int]:
    """The code mapping for one code column: WHO's and the aliases, the preset's codes for its
    own column, and the file's value labels (a label zscore knows decides its code)."""
    base = code_map(arg)
    if f is None:
        return base
    mapping = dict(base)
    if f.how == "preset" and preset is not None and arg in preset.codes:
        for code, meaning in preset.codes[arg].items():
            mapping[code] = MISSING_CODE[arg] if meaning == "" else base[meaning]
    labels = (value_labels or {}).get(f.column) if f.column is not None else None
    if labels:
        missing = vocabulary().missing_codes
        for raw, label in labels.items():
            key = code_key(str(label))
            raw_key = raw_code_key(raw)
            if key in base:
                mapping[raw_key] = base[key]
            elif key in missing:
                mapping[raw_key] = MISSING_CODE[arg]
    return mapping


def labelled_codes(labels: Mapping[Any, str]) -> SpecialCodes:
    """The labelled values of a measurement column (DHS hw2: 9994 "not present", 9995
    "refused"): codes, not weights, each with the reason its label gives."""
    missing = vocabulary().missing_codes
    exact = {}
    for value, label in labels.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        text = code_key(str(label))
        if "present" in text or "absent" in text or "tidak hadir" in text:
            reason = "not_present"
        elif "refus" in text or "menolak" in text:
            reason = "refused"
        elif text in missing or "missing" in text:
            reason = _PLAIN_MISSING
        else:
            reason = "not_measured"
        exact[number] = reason
    return SpecialCodes(exact)


def raw_code_key(value: Any) -> str:
    """A Stata/SPSS value (1, 1.0, "1") as the key its code is looked up by."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return code_key(str(value))


def detect_preset(data: Any) -> list[Preset]:
    """The shipped presets whose ``detect`` column sets a table has (DHS, MICS files)."""
    names = {normalise_name(n) for n in table_columns(data)[0]}
    out = []
    for name in preset_names():
        p = _shipped_preset(name)
        if any(all(normalise_name(c) in names for c in group) for group in p.detect):
            out.append(p)
    return out


def column_of(data: Any, arg: str, name: str) -> Any:
    """A column a user named for ``arg`` (``by``, ``weights``, ...): exact, else normalised."""
    return table_columns(data)[1](column_name(data, arg, name))


def column_name(data: Any, arg: str, name: str) -> str:
    """The table's own name of a column a user named (see :func:`column_of`)."""
    names = table_columns(data)[0]
    index: dict[str, list[str]] = {}
    for n in names:
        index.setdefault(normalise_name(n), []).append(n)
    hits = _matches(index, names, name)
    if not hits:
        raise not_found(arg, names, name)
    if len(hits) > 1:
        raise _two(arg, hits, f"both are {name!r} in another case or spacing")
    return hits[0]


# --- the tables as documentation ------------------------------------------------------------------
def markdown() -> str:
    """The alias table and the presets as Markdown, from their data files (docs/cli.md holds
    this text between its ``columns-table`` markers; a test keeps the two equal)."""
    data = tomllib.loads(_data_text("columns.toml"))
    lines = ["| argument | column names recognised (any case, spacing and punctuation) |",
             "|---|---|"]
    for arg, spec in data["columns"].items():
        lines.append(f"| `{arg}` | " + ", ".join(f"`{n}`" for n in
                                                 dict.fromkeys([arg, *spec["names"]])) + " |")
    lines += ["", "| unit words in a name | |", "|---|---|"]
    for kind, spec in data["units"].items():
        lines.append(f"| {kind} | " + "; ".join(
            f"{unit}: " + ", ".join(f"`{w}`" for w in words) for unit, words in spec.items())
            + " |")
    lines += ["", "| codes | WHO's | also read |", "|---|---|---|"]
    who = {"sex": "1, 2, m, f", "measure": "l, h", "oedema": "y, n, 1, 2"}
    for arg in CODE_ARGS:
        also = "; ".join(f"{meaning}: " + ", ".join(f"`{w}`" for w in words)
                         for meaning, words in data["codes"][arg].items())
        lines.append(f"| {arg} | {who[arg]} | {also} |")
    lines.append("| any, as a Stata/SPSS value label | | missing: " + ", ".join(
        f"`{w}`" for w in data["codes"]["missing"]["any"]) + " |")
    lines += ["", "| preset | for | columns |", "|---|---|---|"]
    for name in preset_names():
        p = load_preset(name)
        cols = "; ".join(f"{arg}: " + "/".join(f"`{c}`" for c in names)
                         for arg, names in p.columns.items())
        for arg, parts in p.dates.items():
            cols += f"; {arg}: `{parts.day[0]}`/`{parts.month[0]}`/`{parts.year[0]}` (d/m/y)"
        lines.append(f"| `{name}` | {p.title} | {cols} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(markdown())
