"""Make docs/report.png and docs/report_league.png: the report of the bundled example register
(``zscore report posyandu.xlsx --by Desa --target 14``, as ``zscore demo`` writes it), opened in
headless Chromium.

    python docs/report_screenshot.py        # needs chromium (Debian: apt-get install chromium)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from importlib import resources
from pathlib import Path

from PIL import Image

from zscore import cli

HERE = Path(__file__).resolve().parent


def shot(html: Path, png: Path, width: int, height: int) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is needed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", f"--user-data-dir={profile}",
                        f"--window-size={width},{height}", f"--screenshot={png}",
                        html.as_uri()], check=True, capture_output=True, timeout=120)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "posyandu_report.html"
        register = resources.files("zscore").joinpath("data", "examples", "posyandu.xlsx")
        with resources.as_file(register) as path:
            code = cli.main(["report", str(path), "--by", "Desa", "--target", "14",
                             "-o", str(out), "--quiet"])
        if code:
            sys.exit(code)
        text = out.read_text(encoding="utf-8")
        # the village league table alone, for the second picture
        start = text.index('<h3 class="grouping">Desa</h3>')
        end = text.index("<h4>", text.index("<h4>", start) + 1)
        league = Path(folder) / "league.html"
        league.write_text(text[: text.index("<body>") + 6] + text[start:end] + "</body></html>",
                          encoding="utf-8")
        full = Path(folder) / "full.png"
        shot(out, full, 1100, 2300)
        Image.open(full).convert("RGB").quantize(128).save(HERE / "report.png", optimize=True)
        part = Path(folder) / "league.png"
        shot(league, part, 1100, 900)
        image = Image.open(part).convert("RGB")
        rows = [y for y in range(image.height)
                if min(image.getpixel((x, y))[0] for x in range(0, image.width, 7)) < 200]
        bottom = min(image.height, (rows[-1] + 20) if rows else image.height)
        image.crop((0, 0, image.width, bottom)).quantize(128).save(HERE / "report_league.png",
                                                                 optimize=True)
    print("wrote docs/report.png and docs/report_league.png")


if __name__ == "__main__":
    main()
