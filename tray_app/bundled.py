"""Where the app's files that are not Python modules live: in an installed wheel, or a checkout.

The wheel carries them in `tray_app/bundled/` (setup.py's build step copies them there); a source
checkout or an editable install uses them where they are in the tree.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
FOLDER = "bundled"
# name in the wheel -> place in the source tree
SOURCES = {
    "lambda_function": "lambda_function",
    "icons": "assets/icons",
    "icon-theme": "assets/icon-theme",
    "template.yaml": "template.yaml",
    "session-control.yaml": "session-control.yaml",
    "tray-user.json": "policies/tray-user.json",
}


def bundled(name: str) -> Path:
    """The file or folder `name` (a key of SOURCES), from the wheel when installed from one."""
    packaged = files("tray_app").joinpath(FOLDER, name)
    if packaged.is_file() or packaged.is_dir():
        # A wheel installs as plain files, so the resource is a real path on disk.
        return Path(str(packaged))
    return CHECKOUT / SOURCES[name]
