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

# --- examples/posyandu.xlsx: the same children as an e-PPGBM-style Excel register -------------
# A puskesmas report: title rows above the column names, Indonesian names, NIK as 16-digit text,
# Jenis Kelamin L/P, real dates (dd/mm/yyyy) of birth and of weighing, Cara Ukur
# Terlentang/Berdiri, and the same typical problems as children.csv.
import datetime  # noqa: E402

import xlsxwriter  # noqa: E402

visit_day = rng.integers(4, 12, n)  # posyandu days early in March 2024
visits = [datetime.date(2024, 3, int(d)) for d in visit_day]
births = [v - datetime.timedelta(days=int(a)) for v, a in zip(visits, age, strict=True)]
births[42] = visits[42] + datetime.timedelta(days=30)  # visit before birth: typed wrongly
posyandu = {v: f"Posyandu {name}" for v, name in zip(villages, ("Mawar", "Melati", "Anggrek",
                                                                 "Kenanga", "Dahlia", "Flamboyan"),
                                                     strict=True)}
first_names = np.array(["Aisyah", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hadi",
                        "Intan", "Joko", "Kartika", "Lestari", "Made", "Nur", "Putri", "Rizky",
                        "Sari", "Teguh", "Wahyu", "Yusuf"])
niks = [f"3201{k:012d}" for k in rng.integers(10**11, 10**12 - 1, n)]
for target in (Path(__file__).with_name("posyandu.xlsx"),
               Path(__file__).parents[1] / "src" / "zscore" / "data" / "examples"
               / "posyandu.xlsx"):
    target.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False})
    book.set_properties({"created": datetime.datetime(2024, 3, 31)})  # the same bytes each run
    sheet = book.add_worksheet("Pemantauan Pertumbuhan")
    bold = book.add_format({"bold": True})
    dmy = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, "LAPORAN PEMANTAUAN PERTUMBUHAN BALITA", bold)
    sheet.write(1, 0, "KABUPATEN: CONTOH")
    sheet.write(2, 0, "PUSKESMAS: SUKAMAJU")
    sheet.write(3, 0, "BULAN: MARET 2024")
    header = ["No", "NIK Anak", "Nama Anak", "Jenis Kelamin", "Tanggal Lahir", "Desa",
              "Posyandu", "Tanggal Penimbangan", "Berat Badan (kg)", "Tinggi Badan (cm)",
              "Cara Ukur"]
    for j, h in enumerate(header):
        sheet.write_string(5, j, h, bold)
    for i in range(n):
        r = 6 + i
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, niks[i])
        sheet.write_string(r, 2, f"{first_names[i % len(first_names)]} {i + 1:03d}")
        if sex_text[i]:
            sheet.write_string(r, 3, "L" if sex_text[i] == "1" else "P")
        if i % 97 == 3:  # some dates typed as text, as registers have them
            sheet.write_string(r, 4, births[i].strftime("%d/%m/%Y"))
        else:
            sheet.write_datetime(r, 4, datetime.datetime.combine(births[i], datetime.time()),
                                 dmy)
        sheet.write_string(r, 5, str(village[i]))
        sheet.write_string(r, 6, posyandu[village[i]])
        sheet.write_datetime(r, 7, datetime.datetime.combine(visits[i], datetime.time()), dmy)
        if i == 17:
            sheet.write_string(r, 8, "12,5")  # decimal comma, typed as text
        elif weight_text[i]:
            sheet.write_number(r, 8, float(weight_text[i]))
        sheet.write_number(r, 9, float(lenhei[i]))
        sheet.write_string(r, 10, "Terlentang" if measure[i] == "l" else "Berdiri")
    book.close()
    print(f"wrote {target}")
