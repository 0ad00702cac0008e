"""Write the session core's transition diagram, a Mermaid `stateDiagram-v2` drawn from
TRANSITIONS, into docs/design/session-core.md (run it after changing the table;
tests/unit/test_session_diagram.py fails until you do)."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tray_app.core.machine import STOPS, TRANSITIONS
from tray_app.core.state import Phase

PAGE = Path(__file__).resolve().parent.parent / "docs" / "design" / "session-core.md"

BEGIN = (
    "<!-- the diagram below is generated from TRANSITIONS: python scripts/session_diagram.py -->"
)
END = "<!-- end of the generated diagram -->"


def label(event: type, answers: type | None) -> str:
    """An event as the picture names it: `Done(Join)` for the answer to a Join, `Done(stop)`
    for the answer to any of the stops."""
    if answers is None:
        return event.__name__
    return f"{event.__name__}({'stop' if answers in STOPS else answers.__name__})"


def edges() -> dict[tuple[Phase, Phase], list[str]]:
    """Every change of phase the table allows, with the events that may make it."""
    found: dict[tuple[Phase, Phase], set[str]] = defaultdict(set)
    for (phase, event, answers), rule in TRANSITIONS.items():
        for to in rule.to - {phase}:  # an event that keeps the phase is no arrow
            found[phase, to].add(label(event, answers))
    order = list(Phase)
    keys = sorted(found, key=lambda k: (order.index(k[0]), order.index(k[1])))
    return {key: sorted(found[key]) for key in keys}


def mermaid() -> str:
    """The Markdown block: a fenced `stateDiagram-v2` with one arrow per change of phase."""
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {Phase.UNKNOWN.name}"]
    for (phase, to), events in edges().items():
        lines.append(f"    {phase.name} --> {to.name}: {', '.join(events)}")
    lines.append("```")
    return "\n".join(lines)


def with_diagram(page: str) -> str:
    """`page` with the text between its markers replaced by the diagram of the current table."""
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{mermaid()}\n{END}{tail}"


if __name__ == "__main__":
    PAGE.write_text(with_diagram(PAGE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {PAGE}")
