"""The rendering library of the interactive charts, shipped with the package.

Every `charts/NAME.html` loads one script beside it, `charts/vendor/SCRIPT_NAME`:
Vega, Vega-Lite and Vega-Embed (BSD-3-Clause, University of Washington Interactive
Data Lab) with their dependencies, as vl-convert-python bundles them
(`vl_convert.javascript_bundle()`). The bundle is kept in the package
(`assets/SCRIPT_NAME`), not made at build time: bundling starts a JavaScript
engine and takes 3-4 s, which every notebook process of a report build would pay.
Nothing is downloaded, at build time or in the reader's browser.

To move to a newer vl-convert-python (and so Vega), install it and run

    python -m adoption.charts.vendor

which rewrites the asset; `tests/test_charts_interactive.py` checks that the shipped
bytes are what the installed vl-convert-python makes, when its version is the one
named below.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

VL_CONVERT_VERSION = "1.9.0"
VERSIONS = {"vega": "6.2.0", "vega-lite": "6.4", "vega-embed": "7.0.2"}
SCRIPT_NAME = f"vega-{VERSIONS['vega']}-lite-{VERSIONS['vega-lite']}-embed-" \
              f"{VERSIONS['vega-embed']}.js"
ASSET = Path(__file__).with_name("assets") / SCRIPT_NAME
FOLDER = "vendor"  # beside the chart pages: charts/vendor/SCRIPT_NAME
SCRIPT_PATH = f"{FOLDER}/{SCRIPT_NAME}"

HEADER = f"""/*! Vega {VERSIONS['vega']}, Vega-Lite {VERSIONS['vega-lite']} and Vega-Embed \
{VERSIONS['vega-embed']}, with their dependencies,
 * bundled by vl-convert-python {VL_CONVERT_VERSION} (BSD-3-Clause, Copyright 2023 Jon Mease).
 * Vega, Vega-Lite, Vega-Embed: BSD-3-Clause, Copyright (c) 2015-2025, University of
 * Washington Interactive Data Lab. Their dependencies (d3 modules: ISC, Mike Bostock;
 * others) keep their own licences: https://github.com/vega/vega/blob/main/LICENSE
 * Made by `python -m adoption.charts.vendor`; do not edit. */
"""


@cache
def script() -> bytes:
    """The bundle's bytes, as written beside the chart pages."""
    return ASSET.read_bytes()


def bundle() -> bytes:
    """The bundle made afresh by the installed vl-convert-python (slow: 3-4 s)."""
    # Deferred: vl-convert only when this runs.
    import vl_convert

    return (HEADER + vl_convert.javascript_bundle() + "\n").encode("utf-8")


def installed_versions() -> dict[str, str]:
    """The versions the installed vl-convert-python would bundle."""
    # Deferred: vl-convert only when this runs.
    import vl_convert

    return {"vl-convert": vl_convert.__version__, "vega": vl_convert.get_vega_version(),
            "vega-lite": vl_convert.get_vegalite_versions()[-1],
            "vega-embed": vl_convert.get_vega_embed_version()}


def main() -> int:
    """Rewrite the shipped bundle from the installed vl-convert-python."""
    found = installed_versions()
    wanted = {"vl-convert": VL_CONVERT_VERSION, **VERSIONS}
    if found != wanted:
        print(f"vl-convert-python bundles {found}; this module names {wanted}: update "
              "VL_CONVERT_VERSION and VERSIONS first (the file name follows them).",
              file=sys.stderr)
        return 1
    ASSET.parent.mkdir(exist_ok=True)
    ASSET.write_bytes(bundle())
    print(f"wrote {ASSET} ({ASSET.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
