"""Write the session core's transition diagram into docs/design/session-core.md (run it after
changing TRANSITIONS; tests/unit/test_session_diagram.py fails until you do)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tray_app.core.machine_diagram import with_diagram

PAGE = Path(__file__).resolve().parent.parent / "docs" / "design" / "session-core.md"

if __name__ == "__main__":
    PAGE.write_text(with_diagram(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {PAGE}")
