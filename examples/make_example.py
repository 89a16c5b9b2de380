"""Make examples/children.csv: 600 synthetic children from six villages, as a posyandu register
might hold them, with a few typical data problems. Deterministic (seeded); rerun to rebuild.

The numbers are invented: drawn around WHO medians with noise, not real children.
"""

from pathlib import Path

import numpy as np

from zscore import tables

rng = np.random.default_rng(2020)
n = 600
villages = np.array(["Sukamaju", "Mekarsari", "Cibodas", "Tanjungsari", "Karangrejo", "Sidomulyo"])
village = villages[rng.integers(0, len(villages), n)]
shift = {v: s for v, s in zip(villages, (-0.9, -0.4, -1.2, -0.2, -0.7, 0.1), strict=True)}
sex = rng.integers(1, 3, n)
age = rng.integers(0, 1826, n).astype(float)
lhfa, wflh = tables.load("len_2006").lms, tables.load("wei_2006").lms
zl = rng.normal([shift[v] for v in village], 1.1)
zw = zl * 0.6 + rng.normal(0, 0.8, n)
l, m, s = (lhfa[sex - 1, age.astype(int), k] for k in range(3))
lenhei = np.round(m * (1 + l * s * zl), 1)
l, m, s = (wflh[sex - 1, age.astype(int), k] for k in range(3))
weight = np.round(m * (1 + l * s * zw) ** (1 / l), 1)
measure = np.where(age < 731, "l", "h")
measure[rng.random(n) < 0.05] = "h"  # some young children measured standing
oedema = np.where(rng.random(n) < 0.01, "y", "n")
weight_text = weight.astype(str)
# typical register problems
weight_text[5] = ""           # weight not recorded
weight_text[17] = "\"12,5\""  # decimal comma (quoted in the CSV)
lenhei[23] = 8.7              # a slipped digit: 87 cm typed as 8.7
age[42] = -30                 # measurement date before birth date
sex_text = sex.astype(str)
sex_text[61] = ""             # sex not recorded
rows = ["child_id,village,sex,age,weight,lenhei,measure,oedema"]
for i in range(n):
    rows.append(f"A{i + 1:04d},{village[i]},{sex_text[i]},{age[i]:.0f},{weight_text[i]},"
                f"{lenhei[i]:.1f},{measure[i]},{oedema[i]}")
path = Path(__file__).with_name("children.csv")
path.write_text("\n".join(rows) + "\n", encoding="utf-8")
print(f"wrote {path}")
