"""The outcomes of AWS actions: one handler per (phase, Done or Failed, action), each named in
machine.py's transition table. Each answer names the request it answers: `step` gives the one a
phase awaits to the rule's `awaited` handler and one older than an answer already applied to
`overtaken` before any rule runs, so a record that reaches a handler here is always the newest.
Pure."""

from __future__ import annotations

from dataclasses import replace

from tray_app.core import holds
from tray_app.core.events import (
    Adopt,
    Disable,
    Done,
    EndAll,
    Event,
    Failed,
    Join,
    Leave,
    Notify,
    Polled,
    SavePendingStop,
)
from tray_app.core.follow import ended, follow, lost, with_error
from tray_app.core.holds import Shared
from tray_app.core.state import AUTO_REASONS, Phase, Result, Settings, State


def overtaken(state: State, event: Event, s: Settings) -> Result:
    """An answer older than one already applied (`step` decides): its record is stale, so it
    tells only that AWS was reached; a Poll's also counts as the poll of its time."""
    if isinstance(event, Polled):
        return replace(state, last_poll=event.now, error=None), []
    assert isinstance(event, Done)
    if isinstance(event.action, Join) and state.phase is Phase.ON:
        return replace(state, error=None), []  # a restart or extend was written, as rejoined
    return state, []


def _taken(state: State, event: Event) -> State:
    """`state` with the record an answer carries (`step` lets only the newest ones through)."""
    assert isinstance(event, Done)
    if event.shared is None:
        return state
    seen = max(state.requests.seen, event.action.request)
    return replace(state, shared=event.shared, requests=replace(state.requests, seen=seen))


def _shared_of(event: Event, state: State) -> Shared:
    assert isinstance(event, Done)
    return event.shared if event.shared is not None else state.shared


def joined(state: State, event: Event, s: Settings) -> Result:
    """The awaited Join was written: our hold is in the session, which is on."""
    new = _taken(state, event)
    new = replace(new, error=None, requests=replace(new.requests, unsure=0))
    ours = replace(new.ours, started_at=event.now, last_heartbeat=event.now)
    return replace(new, phase=Phase.ON, ours=ours), []


def rejoined(state: State, event: Event, s: Settings) -> Result:
    """A Join while on was written: a restart or extend of our hold, or a Join overtaken."""
    assert isinstance(event, Done) and isinstance(event.action, Join)
    new = replace(_taken(state, event), error=None)
    if state.holding and event.shared is not None:
        # the newest end written
        new = replace(new, ours=replace(new.ours, deadline=float(event.action.hold.ends)))
    return new, []


def rejoin_failed(state: State, event: Event, s: Settings) -> Result:
    """A restart or extend was not written: our hold keeps the end AWS has, said once."""
    assert isinstance(event, Failed)
    mine = state.shared.held_by(s.holder)
    if state.holding and mine is not None:
        state = replace(state, ours=replace(state.ours, deadline=float(mine.ends)))
    return with_error(state, event.message, "pipeline-tray: AWS error")


def beaten(state: State, event: Event, s: Settings) -> Result:
    """A heartbeat was written, or refused because our hold is gone."""
    assert isinstance(event, Done)
    if event.refused and state.holding and state.phase is Phase.ON:
        # our hold is gone: someone ended the session, which others may hold on
        cleared, said = lost(_taken(state, event), event.now, s, rule_on=True)
        cleared, more = follow(cleared, event.now, s)
        return cleared, [*said, *more]
    new = _taken(state, event)
    return replace(new, ours=replace(new.ours, last_heartbeat=event.now)), []


def stopped(state: State, event: Event, s: Settings) -> Result:
    """A Leave, EndAll, Expire or fallback Disable was confirmed: our part is over, and where
    the rule runs on, its holders are followed (or, if theirs lapsed meanwhile, it is ended)."""
    assert isinstance(event, Done)
    rule_on = bool(event.rule_on) and not isinstance(event.action, EndAll | Disable)
    shared = _shared_of(event, state)
    seen = max(state.requests.seen, event.action.request)
    state = replace(state, requests=replace(state.requests, seen=seen))
    new, actions = ended(state, event.now, shared, rule_on)
    names = ", ".join(h.name for h in holds.others(shared, event.now, s.judge))
    note = _stop_note(state.stop.reason or "stop", rule_on, names)
    actions += [note] if note else []
    new = replace(new, error=None)
    if rule_on:
        new, more = follow(new, event.now, s)
        actions += more
    return new, actions


def _stop_note(reason: str, rule_on: bool, names: str) -> Notify | None:
    """What to tell the user about a confirmed stop: an automatic one, a lapse, a pending one."""
    if rule_on and reason in AUTO_REASONS:
        return Notify("You left the study session", f"Left ({reason}); it stays on for {names}.")
    if reason in AUTO_REASONS:
        return Notify("Study session ended", f"Switched off ({reason}): the pipeline costs $0 now.")
    if reason == "lapsed" and not rule_on:
        return Notify("Study session ended", "Its time ran out: the pipeline costs $0 now.")
    if reason == "pending":
        return Notify(
            "Pipeline switched off" if not rule_on else "Left the study session",
            "The stop that could not be confirmed last time is done now.",
        )
    return None


def tidied(state: State, event: Event, s: Settings) -> Result:
    """A Leave that only tidied our hold out of the record, or an answer after the session."""
    if isinstance(event, Failed):
        return with_error(state, event.message, "pipeline-tray: AWS error")
    return _taken(state, event), []


def adopted(state: State, event: Event, s: Settings) -> Result:
    """An adoption was written (our hold now runs the session) or refused (someone else's)."""
    assert isinstance(event, Done) and isinstance(event.action, Adopt)
    if state.requests.unsure == event.action.request:
        # its answer is here: we know whether it is ours
        state = replace(state, requests=replace(state.requests, unsure=0))
    if event.refused or state.phase is not Phase.ON or state.holding:
        # someone claimed it first, or we started or stopped a session of our own meanwhile
        return replace(_taken(state, event), unheld_since=None), []
    ours = replace(
        state.ours,
        deadline=float(event.action.hold.ends),
        started_at=event.now,
        last_heartbeat=event.now,
        invocations=0,
    )
    new = replace(_taken(state, event), ours=ours, unheld_since=None)
    note = Notify(
        "Pipeline was already on",
        f"Started outside this app; it will switch off in {s.session_minutes} min.",
    )
    return new, [note]


def invoked(state: State, event: Event, s: Settings) -> Result:
    """The function ran: count it into the session and say what it did."""
    assert isinstance(event, Done)
    counted = replace(state.ours, invocations=state.ours.invocations + 1)
    return replace(state, ours=counted), [Notify("Function invoked", event.detail)]


def stop_failed(state: State, event: Event, s: Settings) -> Result:
    """A stop failed: end the session if the rule is gone, else retry with backoff."""
    assert isinstance(event, Failed)
    now, message = event.now, event.message
    if event.gone:  # no rule (deleted, stack destroyed): nothing of ours runs, retry can't help
        over, actions = ended(state, now, state.shared, rule_on=False)
        if state.error != message:
            actions.append(Notify("Pipeline not found", message))
        return replace(over, error=message), actions
    retry = state.stop.retry
    if isinstance(event.action, Leave) and not holds.others(state.shared, now, s.judge):
        # The record cannot be changed, and as far as we know no one else holds the session:
        # switch the rule off without it. Our hold lapses by itself.
        retry = Disable(event.action.reason)
    attempts = state.stop.attempts + 1
    again = now + min(2**attempts, s.max_retry_seconds)
    stop = replace(state.stop, attempts=attempts, pending=True, retry=retry, retry_at=again)
    new = replace(state, error=message, stop=stop)
    if attempts > 1:
        return new, []
    return new, [
        SavePendingStop(True),
        Notify("Could not switch the pipeline off", f"{message} — retrying."),
    ]


def start_failed(state: State, event: Event, s: Settings) -> Result:
    """The Join failed: back to not knowing (poll at once), with the error said once. A Join
    that timed out may still have written our hold: until a poll says, a quit leaves."""
    assert isinstance(event, Failed)
    unsure = replace(state.requests, unsure=event.action.request)
    ours = replace(state.ours, deadline=None)
    new = replace(state, phase=Phase.UNKNOWN, ours=ours, last_poll=None, requests=unsure)
    return with_error(new, event.message, "Could not start the study session")


def invoke_failed(state: State, event: Event, s: Settings) -> Result:
    """The function could not be run: say why."""
    assert isinstance(event, Failed)
    return state, [Notify("Invoke failed", event.message)]


def failed(state: State, event: Event, s: Settings) -> Result:
    """Any other failure: keep the state, say the error once."""
    assert isinstance(event, Failed)
    return with_error(state, event.message, "pipeline-tray: AWS error")
