"""The programme rules (data/programme.toml): KBM tables, follow-up thresholds, stored labels."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..resolve import code_key


@dataclass(frozen=True)
class KBMTable:
    """One minimum-weight-gain table: grams by age in completed months (0 .. 60 and over)."""

    name: str
    source: str
    version: str
    grams: np.ndarray  # float64[61]: grams at 0 .. 60 completed months

    def at(self, months: np.ndarray) -> np.ndarray:
        """Grams for ages in completed months (NaN where the age is missing)."""
        m = np.asarray(months, dtype=np.float64)
        out = np.full(m.shape, np.nan)
        ok = np.isfinite(m) & (m >= 0)
        out[ok] = self.grams[np.minimum(m[ok], self.grams.size - 1).astype(np.int64)]
        return out


@dataclass(frozen=True)
class ProgrammeRules:
    """Everything data/programme.toml holds."""

    kbm: Mapping[str, KBMTable]
    default_kbm: str
    bgm_below_z: float
    max_weight_fall: float
    max_height_fall_cm: float
    days_per_month: float
    #: status argument -> {label as compared: zscore's label}
    labels: Mapping[str, Mapping[str, str]]

    def kbm_table(self, name: str | None) -> KBMTable:
        key = name or self.default_kbm
        if key not in self.kbm:
            raise InputError(f"kbm={key!r}: choose one of {sorted(self.kbm)} (docs/programme.md "
                             "says where each comes from)")
        return self.kbm[key]


def label_key(text: Any) -> str:
    """A stored label as compared: trimmed, lower case, single spaces."""
    return code_key(str(text))


def _bands(name: str, months: Any, where: str) -> np.ndarray:
    grams = np.full(61, np.nan)
    try:
        for first, last, value in months:
            grams[int(first): int(last) + 1] = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: [kbm.tables.{name}] months must be [first, last, grams] "
                         "bands") from None
    if np.isnan(grams).any():
        missing = np.flatnonzero(np.isnan(grams))
        raise InputError(f"{where}: [kbm.tables.{name}] has no value for months "
                         f"{missing.tolist()[:5]}...: its bands must cover 0 to 60")
    return grams


def parse_rules(text: str, where: str) -> ProgrammeRules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not a valid TOML file: {exc}") from None
    try:
        kbm_data = data["kbm"]
        tables = {name: KBMTable(name, str(spec.get("source", "")), str(spec.get("version", "")),
                                 _bands(name, spec["months"], where))
                  for name, spec in kbm_data["tables"].items()}
        follow = data["followup"]
        labels = {arg: {label_key(word): label for label, words in spec.items()
                        for word in words}
                  for arg, spec in data["labels"].items()}
        rules = ProgrammeRules(tables, str(kbm_data["default"]), float(follow["bgm_below_z"]),
                               float(follow["max_weight_fall"]),
                               float(follow["max_height_fall_cm"]),
                               float(follow["days_per_month"]), labels)
    except KeyError as exc:
        raise InputError(f"{where}: needs {exc.args[0]!r} (start from the shipped file: "
                         "docs/programme.md)") from None
    rules.kbm_table(None)  # the default names a table
    return rules


@cache
def shipped() -> ProgrammeRules:
    text = resources.files("zscore").joinpath("data", "programme.toml").read_text("utf-8")
    return parse_rules(text, "data/programme.toml")


def load(rules: str | Path | ProgrammeRules | None) -> ProgrammeRules:
    """The shipped rules, a ProgrammeRules, or a TOML file of the same form."""
    if rules is None:
        return shipped()
    if isinstance(rules, ProgrammeRules):
        return rules
    path = Path(rules)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return parse_rules(text, str(path))
