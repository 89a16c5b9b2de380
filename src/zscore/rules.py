"""WHO's numbers and the project's codes, as data.

Every constant here names its WHO source. The kernels receive these values as arrays; no other
module repeats them. Sources (see docs/methods.md):

* ``anthro`` = WHO R package anthro 1.1.0.9000 (commit b776d8a), WHO Child Growth Standards 2006;
* ``anthroplus`` = WHO R package anthroplus 1.0.0.9000 (commit 799a7de), WHO Reference 2007.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- ages -------------------------------------------------------------------------------------
#: Days in a month (anthro:R/anthro-package.R, ANTHRO_DAYS_OF_MONTH).
DAYS_PER_MONTH = 30.4375
#: z-scores of the 2006 standards only below this unrounded age in months
#: (anthro:R/z-score-helper.R).
MAX_AGE_MONTHS_2006 = 60.0
#: Upper limit of the rounded age in days (anthro: allowed_age_range = c(0, 1856)); never binds
#: before the 60-month rule, kept because WHO's code tests it.
MAX_AGE_DAYS_2006 = 1856
#: anthro_prevalence leaves out rows whose rounded age in days is above this
#: (anthro:R/prevalence.R); rows without an age are kept.
PREVALENCE_MAX_AGE_DAYS_2006 = 1826
#: First day with arm circumference / skinfold standards (anthro: allowed_age_range c(91, 1856)).
MIN_AGE_DAYS_ARM_SKIN = 91
#: Below this rounded age in days children are measured lying (length), from it standing.
LENGTH_HEIGHT_SWITCH_DAY = 731
#: A standing height under this unrounded age in months is treated as unknown position (c9mo_flag).
STANDING_MIN_AGE_MONTHS = 9.0
#: Length minus height, cm (anthro:R/z-score-helper.R, adjust_lenhei).
LENHEI_ADJUSTMENT_CM = 0.7
#: Without age or position, weight-for-length is used below this length, cm (anthro, join_on_l).
WFL_WFH_SWITCH_CM = 87.0
#: Weight-for-length / weight-for-height table limits, cm, inclusive
#: (anthro:R/z-score-weight-for-lenhei.R).
WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)

# --- the WHO Growth Reference 2007, 5-19 years (anthroplus:R/zscores.R) ------------------------
#: First month of the 2007 reference, inclusive; standard="auto" uses it from this unrounded age.
MIN_AGE_MONTHS_2007 = 60.0
#: Last month of height- and BMI-for-age, inclusive.
MAX_AGE_MONTHS_2007 = 228.0
#: Last month of weight-for-age, inclusive (anthroplus: WFA_UPPER_AGE_LIMIT).
MAX_AGE_MONTHS_WFA_2007 = 120.0

#: The ``standard=`` choices of zscore.classify: "auto" picks by age, row by row.
STANDARDS: tuple[str, ...] = ("auto", "2006", "2007")
#: Labels of the ``standard`` output column, by kernel code (0 = 2006, 1 = 2007).
STANDARD_LABELS: tuple[str, ...] = ("2006", "2007")
#: The indicators the 2007 reference has (zlen = anthroplus zhfa, zwei = zwfa, zbmi = zbfa).
INDICATORS_2007: tuple[str, ...] = ("len", "wei", "bmi")
#: The 2007 tables the kernel indexes by whole month, in kernel order (len, wei, bmi).
MONTH_TABLES: tuple[str, ...] = ("hfa_2007", "wfa_2007", "bfa_2007")


@dataclass(frozen=True)
class Indicator:
    """One WHO indicator: its output names, table, formula and flag rule."""

    name: str  #: WHO's suffix: ``zlen``/``flen`` for ``len``
    table: str  #: shipped table name (data/who_growth_standards/<table>.tsv)
    measurement: str  #: the argument of :func:`zscore.classify` it needs
    restricted: bool  #: restricted LMS beyond +-3 SD (WHO 2006 technical report, ch. 7)
    flag_low: float  #: flagged if rounded z < flag_low ...
    flag_high: float  #: ... or rounded z > flag_high
    min_day: int = 0  #: first valid rounded age in days
    description: str = ""
    #: the 2007 reference's table for this indicator (5-19 years), "" when it has none; its
    #: formula and flag rule are the same as for 0-5 years (anthroplus:R/zscores.R)
    table_2007: str = ""


#: The eight indicators of anthro_zscores() in WHO's output order (anthro:R/z-score.R; flag
#: thresholds from the per-indicator files anthro:R/z-score-*.R).
INDICATORS_2006: tuple[Indicator, ...] = (
    Indicator("len", "len_2006", "lenhei", False, -6.0, 6.0, 0, "length/height-for-age",
              "hfa_2007"),
    Indicator("wei", "wei_2006", "weight", True, -6.0, 5.0, 0, "weight-for-age", "wfa_2007"),
    Indicator("wfl", "wfl_2006", "weight", True, -5.0, 5.0, 0, "weight-for-length/height"),
    Indicator("bmi", "bmi_2006", "weight", True, -5.0, 5.0, 0, "BMI-for-age", "bfa_2007"),
    Indicator("hc", "hc_2006", "headc", False, -5.0, 5.0, 0, "head circumference-for-age"),
    Indicator("ac", "ac_2006", "armc", True, -5.0, 5.0, MIN_AGE_DAYS_ARM_SKIN,
              "arm circumference-for-age"),
    Indicator("ts", "ts_2006", "triskin", True, -5.0, 5.0, MIN_AGE_DAYS_ARM_SKIN,
              "triceps skinfold-for-age"),
    Indicator("ss", "ss_2006", "subskin", True, -5.0, 5.0, MIN_AGE_DAYS_ARM_SKIN,
              "subscapular skinfold-for-age"),
)
INDICATOR_NAMES: tuple[str, ...] = tuple(ind.name for ind in INDICATORS_2006)
#: The tables the kernel indexes by whole day, in kernel order (weight-for-length/height apart).
DAY_TABLES: tuple[str, ...] = ("len_2006", "wei_2006", "bmi_2006", "hc_2006", "ac_2006",
                               "ts_2006", "ss_2006")

# --- codes used between the normalising layer and the kernels ----------------------------------
SEX_MISSING, SEX_MALE, SEX_FEMALE, SEX_INVALID = 0, 1, 2, -1
MEASURE_MISSING, MEASURE_LENGTH, MEASURE_HEIGHT, MEASURE_INVALID = 0, 1, 2, -1
OEDEMA_NO, OEDEMA_YES, OEDEMA_INVALID = 0, 1, -1
FLAG_NA = -1
CATEGORY_NA = -1

#: Accepted codes, compared after str(value).strip().lower() (anthro:R/utils.R). A number such as
#: 1.0 counts as "1" (a column of sex codes read with missing values becomes float).
SEX_CODES = {"1": SEX_MALE, "m": SEX_MALE, "2": SEX_FEMALE, "f": SEX_FEMALE}
MEASURE_CODES = {"l": MEASURE_LENGTH, "h": MEASURE_HEIGHT}
#: anthro:R/utils.R standardize_oedema_var: "1" means oedema, "2" means none; missing means none.
OEDEMA_CODES = {"y": OEDEMA_YES, "1": OEDEMA_YES, "n": OEDEMA_NO, "2": OEDEMA_NO}

# --- reasons for a missing z-score --------------------------------------------------------------
#: Code -> (short name, explanation). Code 0 means the z-score was computed. The order is the
#: precedence: the first rule that fails is the one reported.
REASONS: tuple[tuple[str, str], ...] = (
    ("ok", "z-score computed"),
    ("sex_missing", "sex is missing"),
    ("sex_invalid", "sex code is not one of 1, 2, m, f"),
    ("age_missing", "age is missing"),
    ("age_invalid", "age is negative (a visit before the birth), infinite, or not a number or "
                    "a date that can be read"),
    ("age_out_of_range", "age is outside the indicator's range"),
    ("oedema", "oedema: weight-based z-scores are not computed (WHO)"),
    ("oedema_invalid", "oedema code is not one of y, n, 1, 2"),
    ("weight_missing", "weight is missing"),
    ("weight_invalid", "weight is zero, negative, infinite or not a number"),
    ("lenhei_missing", "length/height is missing"),
    ("lenhei_invalid", "length/height is zero, negative, infinite or not a number"),
    ("measure_invalid", "measure (position) code is not one of l, h"),
    ("lenhei_out_of_range", "length/height is outside the weight-for-length/height table"),
    ("measurement_missing", "the measurement is missing"),
    ("measurement_invalid", "the measurement is zero, negative, infinite or not a number"),
    # survey special codes in place of a measurement (a preset's [special] table; set after the
    # kernel, in place of the "missing" reason of the z-scores that measurement feeds)
    ("not_present", "the child was not present to be measured (survey special code)"),
    ("refused", "the measurement was refused (survey special code)"),
    ("not_measured", "not measured for another reason (survey special code)"),
)
REASON_CODE = {name: code for code, (name, _) in enumerate(REASONS)}
#: The reasons a preset may give a survey special code.
SPECIAL_REASONS: tuple[str, ...] = ("not_present", "refused", "not_measured")
#: Bits per indicator in the packed per-row reason key (up to 32 reasons fit in 5 bits).
REASON_BITS = 5


# --- nutrition-status categories ------------------------------------------------------------------
@dataclass(frozen=True)
class Category:
    """A category column: the class of a z-score among boundaries.

    ``cuts`` are the boundaries in ascending order, each ``(value, closed_up)``: when the z-score
    equals ``value`` it belongs to the class above if ``closed_up`` else to the class below.
    ``labels`` has one label per class (``len(cuts) + 1``). Missing or flagged z: no class.

    ``standards`` says for which rows the rule applies: children scored with the WHO 2006
    standards (0-5 years), the 2007 reference (5-19 years), or both. Several rules may share one
    ``column`` when their standards differ (WHO's overweight is weight-for-length/height > +2 under
    5 years and BMI-for-age > +1 from 5 years): the column then holds, per row, the class of the
    rule for that row's standard.
    """

    column: str
    indicator: str  #: WHO's suffix of the z-score it reads (``len`` for zlen)
    cuts: tuple[tuple[float, bool], ...]
    labels: tuple[str, ...]
    #: the classes that count as having the column's condition (e.g. stunted = moderate +
    #: severe), for summaries; empty when the column names no single condition
    condition: tuple[str, ...] = ()
    standards: tuple[str, ...] = ("2006", "2007")


_LOW = ((-3.0, True), (-2.0, True))  # z < -3 | -3 <= z < -2 | z >= -2
_UNDER5 = ("2006",)
_OVER5 = ("2007",)

#: WHO / UNICEF categories. Children 0-59 months: WHO/UNICEF 2019 recommendations, WHO Child
#: Growth Standards. 5-19 years: WHO Growth Reference 2007 (de Onis et al. 2007; WHO's
#: interpretation of BMI-for-age: overweight > +1 SD, obesity > +2 SD, thinness < -2 SD).
#: WHO defines no underweight or wasting category from 5 years. "normal" in each column answers
#: that column's question only.
CATEGORIES_WHO: tuple[Category, ...] = (
    Category("stunting", "len", _LOW, ("severely stunted", "stunted", "normal"),
             ("severely stunted", "stunted")),
    Category("underweight", "wei", _LOW, ("severely underweight", "underweight", "normal"),
             ("severely underweight", "underweight"), _UNDER5),
    Category("wasting", "wfl", _LOW, ("severely wasted", "wasted", "normal"),
             ("severely wasted", "wasted"), _UNDER5),
    Category("overweight", "wfl", ((1.0, False), (2.0, False), (3.0, False)),
             ("normal", "possible risk of overweight", "overweight", "obese"),
             ("overweight", "obese"), _UNDER5),
    Category("overweight", "bmi", ((1.0, False), (2.0, False)), ("normal", "overweight", "obese"),
             ("overweight", "obese"), _OVER5),
    Category("thinness", "bmi", _LOW, ("severe thinness", "thinness", "normal"),
             ("severe thinness", "thinness"), _OVER5),
)

#: Indonesia, Permenkes No. 2 of 2020 (Standar Antropometri Anak). 0-60 months: weight-for-
#: length/height has one six-class status there, covering wasting and overweight. 5-18 years:
#: IMT/U (BMI-for-age), five classes, in the ``thinness`` column. Permenkes gives height-for-age
#: classes for 0-60 months only; zscore applies the same cut-offs from 5 years (docs/categories.md).
CATEGORIES_ID: tuple[Category, ...] = (
    Category("stunting", "len", (*_LOW, (3.0, False)),
             ("sangat pendek", "pendek", "normal", "tinggi"), ("sangat pendek", "pendek")),
    Category("underweight", "wei", (*_LOW, (1.0, False)),
             ("berat badan sangat kurang", "berat badan kurang", "berat badan normal",
              "risiko berat badan lebih"), ("berat badan sangat kurang", "berat badan kurang"),
             _UNDER5),
    Category("wasting", "wfl", (*_LOW, (1.0, False), (2.0, False), (3.0, False)),
             ("gizi buruk", "gizi kurang", "gizi baik", "berisiko gizi lebih", "gizi lebih",
              "obesitas"), ("gizi buruk", "gizi kurang"), _UNDER5),
    Category("thinness", "bmi", (*_LOW, (1.0, False), (2.0, False)),
             ("gizi buruk", "gizi kurang", "gizi baik", "gizi lebih", "obesitas"),
             ("gizi buruk", "gizi kurang"), _OVER5),
)

CATEGORY_SCHEMES: dict[str, tuple[Category, ...]] = {"who": CATEGORIES_WHO, "id": CATEGORIES_ID}
