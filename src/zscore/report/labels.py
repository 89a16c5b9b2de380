"""Every label of the survey report, in English and in Indonesian (Permenkes 2/2020 terms:
pendek, sangat pendek, gizi kurang, gizi buruk, berat badan kurang, gizi lebih, obesitas)."""

from __future__ import annotations

LANGUAGES = ("en", "id")

#: Headline conditions: (key, indicator, statistic of the tidy prevalence table).
CONDITIONS_2006 = (
    ("stunting", "HA", "% z < -2"), ("severe_stunting", "HA", "% z < -3"),
    ("wasting", "WH", "% z < -2"), ("severe_wasting", "WH", "% z < -3"),
    ("underweight", "WA", "% z < -2"), ("severe_underweight", "WA", "% z < -3"),
    ("overweight", "WH", "% z > +2"),
)
CONDITIONS_2007 = (
    ("stunting", "HA", "% z < -2"), ("severe_stunting", "HA", "% z < -3"),
    ("thinness", "BMI", "% z < -2"), ("severe_thinness", "BMI", "% z < -3"),
    ("overweight_2007", "BMI", "% z > +1"), ("obesity_2007", "BMI", "% z > +2"),
)
#: The conditions of the league tables and plots (the first of each pair above).
LEAGUE_2006 = ("stunting", "wasting", "underweight", "overweight")
LEAGUE_2007 = ("stunting", "thinness", "overweight_2007", "obesity_2007")

EN = {
    "title": "Nutrition survey report",
    "lang": "en",
    "generated": "Made with zscore {version}",
    "contents": "Contents",
    "summary": "Summary",
    "distributions": "Distributions",
    "by_group": "By group",
    "over_time": "Over time",
    "quality": "Data quality",
    "notes": "Notes from the computation",
    "methods": "How the figures are computed",
    "source": "Data",
    "standard": "Standard",
    "standard_2006": "WHO Child Growth Standards 2006 (0-5 years), as WHO's anthro computes them",
    "standard_2007": "WHO Growth Reference 2007 (5-19 years), as WHO's anthroplus computes "
                     "them",
    "method": "Intervals",
    "method_simple": "no survey design: the summary's 95 % intervals are WHO's (anthro_prevalence "
                     "without a design); the league tables use Wilson intervals (exact at 0)",
    "method_hybrid": "sampling weights only: WHO's weighted estimates and intervals",
    "method_survey": "survey design (weights, clusters, strata): Taylor-linearised intervals, "
                     "as WHO's anthro_prevalence",
    "design": "Survey design",
    "columns": "Columns read",
    "software": "Software",
    "records": "Records",
    "children": "children",
    "blank": "rows without any child's data (blank rows or notes), not counted",
    "other_standard": "children of the other standard (not in these tables)",
    "condition": "Condition",
    "definition": "Definition",
    "prevalence": "Prevalence",
    "ci": "95 % interval",
    "n": "Children",
    "n_measured": "measured",
    "analysed": "Analysed and excluded",
    "indicator": "Indicator",
    "rows": "Records",
    "with_z": "With a z-score",
    "flagged": "Flagged (implausible, excluded)",
    "used": "Used",
    "missing_reasons": "Without a z-score, by reason",
    "reason": "Reason",
    "count": "Count",
    "no_missing": "Every record has this z-score.",
    "density_note": "Density of the children's z-scores (flagged values left out; bins of 0.1 "
                    "SD, drawn 0.5 SD wide under 2,000 children and 0.2 SD under 20,000), with "
                    "the WHO standard (the standard normal curve, dashed). A curve shifted to "
                    "the left means more children below the standard.",
    "all": "All",
    "boys": "Boys",
    "girls": "Girls",
    "who_standard": "WHO standard",
    "mean_sd": "mean {mean}, SD {sd}, n {n}",
    "group": "Group",
    "rank": "#",
    "vs_overall": "Against the whole",
    "vs_target": "Against the target",
    "same": "not distinguishable",
    "higher": "higher",
    "lower": "lower",
    "unknown": "-",
    "above": "above the target",
    "below": "below the target",
    "cannot_tell": "cannot tell",
    "zero_of": "0 of {n} measured: the true prevalence could be up to {upper}",
    "league_note": "Highest prevalence first. Bars are 95 % intervals ({how}). A group whose "
                   "interval holds the overall prevalence (vertical line) is marked \"not "
                   "distinguishable\": its children do not show a different prevalence from the "
                   "whole, whatever its rank.",
    "how_design": "design-based, as WHO's anthro_prevalence",
    "how_register": "Wilson; exact Clopper-Pearson where none or all have the condition",
    "target_line": "Target {target} % (dotted line)",
    "target_note": "Target {target} % (dotted line): a stunting target, drawn and compared "
                   "with {condition} only (not with wasting, underweight or overweight).",
    "shown_first": "The {shown} highest of {total} groups are shown; the full table is "
                   "'zscore prevalence --by'.",
    "overall": "overall",
    "first_rows": "The first {shown} of {total} groups are listed; the full table is "
                  "'zscore prevalence --by' ('zscore quality --by' for the checks).",
    "in_short": "{condition}: of {total} groups of {group}, {higher} higher than the whole, "
                "{lower} lower, {same} not distinguishable from it (95 % intervals).",
    "in_short_target": "Against the target of {target} %: {above} above, {below} below, "
                       "{cannot} cannot tell.",
    "most_children": "The {shown} groups with the most children of {total} are listed.",
    "period": "Period",
    "period_note": "Prevalence per period with 95 % intervals ({how}).",
    "period_by": "{condition} by period and {group}",
    "no_period": "No period column was given (--period).",
    "check": "Check",
    "variable": "Variable",
    "statistic": "Statistic",
    "value": "Value",
    "reference": "WHO / reference",
    "verdict": "Verdict",
    "p_value": "p",
    "note": "Note",
    "source_col": "Source",
    "expected_col": "Expected (pass range)",
    "n_values": "n",
    "quality_note": "Every check of zscore.quality (WHO/UNICEF 2019 recommendations), with its "
                    "value, reference and verdict: pass, warn, fail, info (no threshold) or n/a.",
    "digits": "Decimal digit of {what}",
    "digits_note": "Without digit preference each digit has 10 %; heaps at 0 and 5 mean "
                   "rounded measurements.",
    "weight": "weight",
    "lenhei": "length/height",
    "heaping": "Age in completed months",
    "heaping_note": "Peaks at 12, 24, 36 and 48 months (and at half years) mean ages rounded "
                    "to whole or half years.",
    "age_groups": "Age distribution",
    "age_groups_note": "Share of children per age group against the share expected from the "
                       "groups' widths.",
    "observed": "observed",
    "expected": "expected",
    "share": "% of children",
    "groups_quality": "Checks by group that need a look (warn or fail)",
    "quality_by": "The main checks by {group}",
    "quality_by_note": "One row per group, the groups with the most failures and warnings "
                       "first; green pass, amber warn, red fail, grey no threshold or n/a.",
    "no_group_warnings": "No check by group needs a look.",
    "methods_text": (
        "Prevalence, means and the design-based intervals are WHO's anthro_prevalence "
        "(docs/prevalence.md). Without a survey design (a register), the league tables use "
        "Wilson's score interval (Wilson 1927; recommended for small groups by Brown, Cai & "
        "DasGupta 2001) and, where no child (or every child) has the condition, the exact "
        "Clopper-Pearson bound 1 - 0.025^(1/n). \"Not distinguishable\": the group's 95 % "
        "interval contains the overall estimate. Against a target: above when the whole "
        "interval is above it, below when it is below, otherwise cannot tell. Distributions "
        "are binned (0.1 SD), so the page stays small whatever the number of children."),
    # conditions
    "stunting": "Stunting (HAZ < -2)",
    "severe_stunting": "Severe stunting (HAZ < -3)",
    "wasting": "Wasting (WHZ < -2)",
    "severe_wasting": "Severe wasting (WHZ < -3)",
    "underweight": "Underweight (WAZ < -2)",
    "severe_underweight": "Severe underweight (WAZ < -3)",
    "overweight": "Overweight (WHZ > +2)",
    "thinness": "Thinness (BAZ < -2)",
    "severe_thinness": "Severe thinness (BAZ < -3)",
    "overweight_2007": "Overweight (BAZ > +1)",
    "obesity_2007": "Obesity (BAZ > +2)",
    # indicators
    "zlen": "Length/height-for-age",
    "zwei": "Weight-for-age",
    "zwfl": "Weight-for-length/height",
    "zbmi": "BMI-for-age",
    "zlen_2007": "Height-for-age",
    "zwei_2007": "Weight-for-age (5-10 years)",
    "zbmi_2007": "BMI-for-age",
    # WHO's groupings
    "Age group": "Age group",
    "Sex": "Sex",
    "Age + sex": "Age + sex",
    "Age group (years)": "Age group (years)",
    "Age Group 1": "Age group (1 year)",
    "Age Group 2": "Age group (5 years)",
    "Female": "Female",
    "Male": "Male",
    "z": "z-score",
}

ID = {
    "title": "Laporan status gizi",
    "lang": "id",
    "generated": "Dibuat dengan zscore {version}",
    "contents": "Daftar isi",
    "summary": "Ringkasan",
    "distributions": "Sebaran z-skor",
    "by_group": "Menurut kelompok",
    "over_time": "Menurut waktu",
    "quality": "Kualitas data",
    "notes": "Catatan perhitungan",
    "methods": "Cara perhitungan",
    "source": "Data",
    "standard": "Standar",
    "standard_2006": "Standar Pertumbuhan Anak WHO 2006 (0-5 tahun), sebagaimana dihitung oleh "
                     "anthro WHO",
    "standard_2007": "Referensi Pertumbuhan WHO 2007 (5-19 tahun), sebagaimana dihitung oleh "
                     "anthroplus WHO",
    "method": "Selang kepercayaan",
    "method_simple": "tanpa desain survei: selang 95 % pada ringkasan dari WHO "
                     "(anthro_prevalence tanpa desain); tabel peringkat memakai selang Wilson "
                     "(eksak bila 0)",
    "method_hybrid": "hanya bobot sampel: estimasi dan selang tertimbang WHO",
    "method_survey": "desain survei (bobot, klaster, strata): selang linearisasi Taylor, "
                     "seperti anthro_prevalence WHO",
    "design": "Desain survei",
    "columns": "Kolom yang dibaca",
    "software": "Perangkat lunak",
    "records": "Catatan",
    "children": "anak",
    "blank": "baris tanpa data anak (baris kosong atau catatan), tidak dihitung",
    "other_standard": "anak dengan standar lain (tidak termasuk tabel ini)",
    "condition": "Status gizi",
    "definition": "Definisi",
    "prevalence": "Prevalensi",
    "ci": "Selang 95 %",
    "n": "Anak",
    "n_measured": "diukur",
    "analysed": "Dianalisis dan dikeluarkan",
    "indicator": "Indeks",
    "rows": "Catatan",
    "with_z": "Dengan z-skor",
    "flagged": "Ditandai (tidak masuk akal, dikeluarkan)",
    "used": "Dipakai",
    "missing_reasons": "Tanpa z-skor, menurut alasan",
    "reason": "Alasan",
    "count": "Jumlah",
    "no_missing": "Semua catatan memiliki z-skor ini.",
    "density_note": "Kepadatan z-skor anak (nilai yang ditandai tidak diikutkan; kelas 0,1 SD, "
                    "digambar 0,5 SD bila kurang dari 2.000 anak dan 0,2 SD bila kurang dari "
                    "20.000), "
                    "dibandingkan standar WHO (kurva normal baku, garis putus-putus). Kurva "
                    "yang bergeser ke kiri berarti lebih banyak anak di bawah standar.",
    "all": "Semua",
    "boys": "Laki-laki",
    "girls": "Perempuan",
    "who_standard": "Standar WHO",
    "mean_sd": "rerata {mean}, SD {sd}, n {n}",
    "group": "Kelompok",
    "rank": "#",
    "vs_overall": "Dibanding keseluruhan",
    "vs_target": "Dibanding target",
    "same": "tidak dapat dibedakan",
    "higher": "lebih tinggi",
    "lower": "lebih rendah",
    "unknown": "-",
    "above": "di atas target",
    "below": "di bawah target",
    "cannot_tell": "belum dapat dipastikan",
    "zero_of": "0 dari {n} anak diukur: prevalensi sebenarnya bisa sampai {upper}",
    "league_note": "Prevalensi tertinggi di atas. Garis adalah selang 95 % ({how}). Kelompok "
                   "yang selangnya memuat prevalensi keseluruhan (garis tegak) ditandai "
                   "\"tidak dapat dibedakan\": anak-anaknya tidak menunjukkan prevalensi yang "
                   "berbeda dari keseluruhan, apa pun peringkatnya.",
    "how_design": "berbasis desain, seperti anthro_prevalence WHO",
    "how_register": "Wilson; Clopper-Pearson eksak bila tidak ada atau semua anak",
    "target_line": "Target {target} % (garis titik-titik)",
    "target_note": "Target {target} % (garis titik-titik): target stunting, hanya "
                   "digambar dan dibandingkan untuk {condition} (tidak untuk wasting, "
                   "underweight atau gizi lebih).",
    "shown_first": "Ditampilkan {shown} tertinggi dari {total} kelompok; tabel lengkap: "
                   "'zscore prevalence --by'.",
    "overall": "keseluruhan",
    "first_rows": "Ditampilkan {shown} kelompok pertama dari {total}; tabel lengkap: "
                  "'zscore prevalence --by' ('zscore quality --by' untuk pemeriksaan).",
    "in_short": "{condition}: dari {total} kelompok {group}, {higher} lebih tinggi dari "
                "keseluruhan, {lower} lebih rendah, {same} tidak dapat dibedakan (selang 95 %).",
    "in_short_target": "Dibanding target {target} %: {above} di atas, {below} di bawah, "
                       "{cannot} belum dapat dipastikan.",
    "most_children": "Ditampilkan {shown} kelompok dengan anak terbanyak dari {total}.",
    "period": "Periode",
    "period_note": "Prevalensi per periode dengan selang 95 % ({how}).",
    "period_by": "{condition} menurut periode dan {group}",
    "no_period": "Kolom periode tidak diberikan (--period).",
    "check": "Pemeriksaan",
    "variable": "Variabel",
    "statistic": "Statistik",
    "value": "Nilai",
    "reference": "WHO / acuan",
    "verdict": "Hasil",
    "p_value": "p",
    "note": "Catatan",
    "source_col": "Sumber",
    "expected_col": "Harapan (rentang baik)",
    "n_values": "n",
    "quality_note": "Semua pemeriksaan zscore.quality (rekomendasi WHO/UNICEF 2019), dengan "
                    "nilai, acuan dan hasilnya: pass (baik), warn (perlu dilihat), fail (buruk), "
                    "info (tanpa ambang) atau n/a.",
    "digits": "Angka desimal {what}",
    "digits_note": "Tanpa preferensi angka, setiap angka 10 %; tumpukan pada 0 dan 5 berarti "
                   "pengukuran dibulatkan.",
    "weight": "berat badan",
    "lenhei": "panjang/tinggi badan",
    "heaping": "Umur dalam bulan penuh",
    "heaping_note": "Puncak pada 12, 24, 36 dan 48 bulan (dan setengah tahun) berarti umur "
                    "dibulatkan ke tahun atau setengah tahun.",
    "age_groups": "Sebaran umur",
    "age_groups_note": "Persentase anak per kelompok umur dibanding yang diharapkan dari lebar "
                       "kelompok.",
    "observed": "teramati",
    "expected": "diharapkan",
    "share": "% anak",
    "groups_quality": "Pemeriksaan per kelompok yang perlu dilihat (warn atau fail)",
    "quality_by": "Pemeriksaan utama menurut {group}",
    "quality_by_note": "Satu baris per kelompok, kelompok dengan fail dan warn terbanyak di "
                       "atas; hijau pass, kuning warn, merah fail, abu-abu tanpa ambang atau n/a.",
    "no_group_warnings": "Tidak ada pemeriksaan per kelompok yang perlu dilihat.",
    "methods_text": (
        "Prevalensi, rerata dan selang berbasis desain mengikuti anthro_prevalence WHO "
        "(docs/prevalence.md). Tanpa desain survei (data register), tabel peringkat memakai "
        "selang skor Wilson (Wilson 1927; dianjurkan untuk kelompok kecil oleh Brown, Cai & "
        "DasGupta 2001) dan, bila tidak ada (atau semua) anak dengan status tersebut, batas "
        "eksak Clopper-Pearson 1 - 0,025^(1/n). \"Tidak dapat dibedakan\": selang 95 % "
        "kelompok memuat estimasi keseluruhan. Dibanding target: di atas bila seluruh selang "
        "di atas target, di bawah bila seluruhnya di bawah, selain itu belum dapat "
        "dipastikan. Sebaran disajikan per kelas 0,1 SD sehingga berkas tetap kecil."),
    "stunting": "Stunting: pendek dan sangat pendek (TB/U < -2 SD)",
    "severe_stunting": "Sangat pendek (TB/U < -3 SD)",
    "wasting": "Wasting: gizi kurang dan gizi buruk (BB/TB < -2 SD)",
    "severe_wasting": "Gizi buruk (BB/TB < -3 SD)",
    "underweight": "Underweight: berat badan kurang dan sangat kurang (BB/U < -2 SD)",
    "severe_underweight": "Berat badan sangat kurang (BB/U < -3 SD)",
    "overweight": "Gizi lebih dan obesitas (BB/TB > +2 SD)",
    "thinness": "Gizi kurang dan gizi buruk (IMT/U < -2 SD)",
    "severe_thinness": "Gizi buruk (IMT/U < -3 SD)",
    "overweight_2007": "Gizi lebih dan obesitas (IMT/U > +1 SD)",
    "obesity_2007": "Obesitas (IMT/U > +2 SD)",
    "zlen": "Panjang/tinggi badan menurut umur (PB/U, TB/U)",
    "zwei": "Berat badan menurut umur (BB/U)",
    "zwfl": "Berat badan menurut panjang/tinggi badan (BB/PB, BB/TB)",
    "zbmi": "Indeks massa tubuh menurut umur (IMT/U)",
    "zlen_2007": "Tinggi badan menurut umur (TB/U)",
    "zwei_2007": "Berat badan menurut umur (BB/U, 5-10 tahun)",
    "zbmi_2007": "Indeks massa tubuh menurut umur (IMT/U)",
    "Age group": "Kelompok umur",
    "Sex": "Jenis kelamin",
    "Age + sex": "Umur dan jenis kelamin",
    "Age group (years)": "Kelompok umur (tahun)",
    "Age Group 1": "Kelompok umur (1 tahun)",
    "Age Group 2": "Kelompok umur (5 tahun)",
    "Female": "Perempuan",
    "Male": "Laki-laki",
    "z": "z-skor",
}

TEXTS = {"en": EN, "id": ID}


def labels(lang: str) -> dict[str, str]:
    """The labels of one language (every key of the English ones)."""
    return TEXTS[lang]
