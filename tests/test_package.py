"""The package as users get it: the wheel carries templates and styles; the CLI starts light."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from support import ROOT


def test_the_wheel_ships_templates_styles_and_the_entry_point(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    [wheel] = tmp_path.glob("briefkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("briefkit/templates/base.html.j2", "briefkit/templates/brief.html.j2",
                 "briefkit/templates/citations/chicago-note.html.j2",
                 "briefkit/styles/think-tank/style.yaml", "briefkit/styles/think-tank/style.css",
                 "briefkit/styles/think-tank/chart.mplstyle", "briefkit/cli.py",
                 "briefkit/fonts/noto/NotoSansDevanagari-Regular.ttf",
                 "briefkit/fonts/noto/NotoNaskhArabic-Bold.ttf",
                 "briefkit/fonts/noto/OFL.txt"):
        assert name in names, name
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "briefkit = briefkit.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_help_loads_neither_weasyprint_nor_matplotlib():
    code = ("import sys\nfrom briefkit.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('weasyprint', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("[]"), done.stdout
