"""A stateful property test of the session core: any order of clicks, ticks, other devices, the
console, and AWS answers delivered late, out of order, failed or timed out. Requests are
carried out in the order they were sent, as the app's one AWS worker does.

The core runs in strict mode (an event without a rule raises). Invariants:
- `step` never raises;
- once every answer is in and a poll made, the state shows what AWS holds (on/off, our hold
  and its end, who else holds it);
- the rule is never off while this device holds a live hold, unless a stop happened (ours,
  another device's, the console's or the function's guard);
- after Quit the rule is off unless another live hold keeps it on (or the console, not us,
  switched it on); a stop not confirmed at exit is always saved as pending;
- an answer older than one already delivered moves neither our end nor the record the core
  shows (an extend's answer overtaken by a later restart's must not bring the old end back:
  the timer would end the session early, before a poll corrects it).
"""

from __future__ import annotations

import os
from dataclasses import replace

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.unit.session_model import ModelAws, failed
from tray_app.core import holds
from tray_app.core.events import (
    AWS_ACTIONS,
    Action,
    AwsAction,
    Done,
    Event,
    ExtendRequested,
    InvokeRequested,
    PendingStopFound,
    Poll,
    SavePendingStop,
    ShutdownTimedOut,
    StartRequested,
    StopRequested,
    Tick,
    Toggle,
)
from tray_app.core.holds import Judge
from tray_app.core.machine import Phase, Settings, State, settled, step

T0 = 1_800_000_000.0
ME = "desk"
OTHERS = ("lap", "desk2/cli")
SETTINGS = Settings(
    session_minutes=30,
    idle_minutes=5,
    poll_seconds=30,
    heartbeat_seconds=60,
    holder=ME,
    strict=True,
)
# Enough examples to find an ordering bug like issue 20's within a minute in CI.
EXAMPLES = int(os.environ.get("SESSION_ORDER_EXAMPLES", "4000" if os.environ.get("CI") else "300"))


class SessionOrders(RuleBasedStateMachine):
    """One device's core against a model of AWS, other devices and the console."""

    def __init__(self) -> None:
        super().__init__()
        self.aws = ModelAws()
        self.state = State()
        self.now = T0
        self.in_flight: list[AwsAction] = []  # asked for, not yet carried out
        self.answers: list[Event] = []  # carried out (or failed), not yet delivered
        self.pending_saved = False
        self.quit_done = False
        self.skews = {holder: 0 for holder in OTHERS}
        self.newest_record = 0  # the newest request whose Done, carrying a record, was delivered

    @initialize(
        skew=st.integers(-180, 180),
        pending=st.booleans(),
    )
    def begin(self, skew: int, pending: bool) -> None:
        """Another device's clock is up to 3 min off; a stop may be left from the last run."""
        self.skews["lap"] = skew
        if pending:
            self.pending_saved = True
            self.feed(PendingStopFound(self.now))
        self.feed(Tick(self.now, None))

    # ---- feeding the core ----

    def feed(self, event: Event) -> None:
        """Step the core (strict: an event without a rule raises) and keep its actions."""
        self.state, actions = step(self.state, event, SETTINGS)
        for action in actions:
            self.keep(action)

    def deliver(self, answer: Event) -> None:
        """Feed an answer as it arrives now: one older than an answer already delivered leaves
        our end and the record alone."""
        answer = replace(answer, now=self.now)
        request = answer.action.request if isinstance(answer, Done) and answer.shared else 0
        before = (self.state.ours.deadline, self.state.shared)
        self.feed(answer)
        if 0 < request < self.newest_record:
            assert (self.state.ours.deadline, self.state.shared) == before, (answer, self.state)
        self.newest_record = max(self.newest_record, request)

    def keep(self, action: Action) -> None:
        if isinstance(action, AWS_ACTIONS):
            self.in_flight.append(action)
        elif isinstance(action, SavePendingStop):
            self.pending_saved = action.pending

    def carry_out(self, index: int, outcome: str) -> None:
        action = self.in_flight.pop(index % len(self.in_flight))
        if outcome == "fails":  # never reached AWS
            self.answers.append(failed(action, self.now, "cannot reach AWS"))
            return
        answer = self.aws.perform(action, self.now, SETTINGS.judge)
        if outcome == "times out":  # done in AWS, but the answer never came back
            answer = failed(action, self.now, "timed out")
        self.answers.append(answer)

    # ---- the user ----

    @precondition(lambda self: not self.quit_done)
    @rule()
    def click(self) -> None:
        self.feed(Toggle(self.now))

    @precondition(lambda self: not self.quit_done)
    @rule(minutes=st.sampled_from([None, 1, 10, 120]))
    def start(self, minutes: int | None) -> None:
        self.feed(StartRequested(self.now, minutes))

    @precondition(lambda self: not self.quit_done)
    @rule(reason=st.sampled_from(["user", "sleep", "signal", "logout"]))
    def stop(self, reason: str) -> None:
        self.feed(StopRequested(self.now, reason))

    @precondition(lambda self: not self.quit_done)
    @rule()
    def extend(self) -> None:
        self.feed(ExtendRequested(self.now, 30))

    @precondition(lambda self: not self.quit_done)
    @rule()
    def invoke(self) -> None:
        self.feed(InvokeRequested(self.now))

    @precondition(lambda self: not self.quit_done)
    @rule(
        seconds=st.sampled_from([0.5, 1, 5, 31, 61, 190, 400]),
        idle=st.sampled_from([None, 0, 299, 301]),
    )
    def tick(self, seconds: float, idle: float | None) -> None:
        self.now += seconds
        self.feed(Tick(self.now, idle))

    # ---- AWS and the network ----

    @precondition(lambda self: not self.quit_done and self.in_flight)
    @rule(outcome=st.sampled_from(["answers", "answers", "answers", "fails", "times out"]))
    def aws_carries_out(self, outcome: str) -> None:
        """AWS carries out the oldest request (the app's one worker sends them in order); it
        may fail, or time out after AWS did it."""
        self.carry_out(0, outcome)

    @precondition(lambda self: not self.quit_done and self.in_flight)
    @rule()
    def round_trip(self) -> None:
        """The oldest request is carried out and answered at once: the common case."""
        self.carry_out(0, "answers")
        self.deliver(self.answers.pop())

    @precondition(lambda self: not self.quit_done and self.answers)
    @rule(index=st.sampled_from([0, 0, 0, 1, 2, 5]))
    def answer_arrives(self, index: int) -> None:
        """One answer arrives, not necessarily the first one sent (stamped on arrival, as the
        executor stamps each answer when AWS's reply reaches it)."""
        self.deliver(self.answers.pop(index % len(self.answers)))

    # ---- other hands ----

    @precondition(lambda self: not self.quit_done)
    @rule(who=st.sampled_from(OTHERS), minutes=st.sampled_from([1, 20, 90]))
    def another_device_joins(self, who: str, minutes: int) -> None:
        clock = self.now + self.skews[who]
        heartbeat = "/" not in who
        lapse = 300 if heartbeat else None
        hold = holds.hold_for(who, who, int(clock + minutes * 60), clock, lapse)
        self.aws.other_joins(hold, clock, Judge(who))

    @precondition(lambda self: not self.quit_done)
    @rule(who=st.sampled_from(OTHERS))
    def another_device_leaves(self, who: str) -> None:
        self.aws.other_leaves(who, self.now + self.skews[who], Judge(who))

    @precondition(lambda self: not self.quit_done)
    @rule()
    def another_device_stops(self) -> None:
        self.aws.other_stops()

    @precondition(lambda self: not self.quit_done)
    @rule(on=st.booleans())
    def console(self, on: bool) -> None:
        self.aws.console(on)

    @precondition(lambda self: not self.quit_done)
    @rule()
    def function_guard(self) -> None:
        self.aws.guard(self.now, holds.SKEW_SECONDS)

    # ---- settling and quitting ----

    def next_in_order(self, fail_stops: bool) -> bool:
        """Deliver the oldest answer, else carry out the oldest request; False if neither."""
        if self.answers:
            self.deliver(self.answers.pop(0))
        elif self.in_flight:
            stopping = self.state.phase is Phase.STOPPING
            self.carry_out(0, "fails" if fail_stops and stopping else "answers")
        else:
            return False
        return True

    def drain(self, fail_stops: bool = False) -> None:
        """Every request carried out in order and every answer delivered in order."""
        for _ in range(50):
            if not self.next_in_order(fail_stops):
                return
        raise AssertionError("the core kept asking for more")

    @precondition(lambda self: not self.quit_done)
    @rule()
    def settle_and_compare(self) -> None:
        """Let everything arrive and poll: the state must show what AWS holds."""
        for _ in range(6):
            self.drain()
            self.now += SETTINGS.poll_seconds
            self.feed(Tick(self.now, 0))
            polled = any(isinstance(action, Poll) for action in self.in_flight)
            self.drain()
            if polled:
                break
        state, aws, now = self.state, self.aws, self.now
        if state.phase in (Phase.STARTING, Phase.STOPPING):
            return  # a stop retrying with backoff: nothing to compare yet
        assert state.phase is (Phase.ON if aws.enabled else Phase.OFF), (state, aws)
        mine = aws.shared.held_by(ME)
        if aws.enabled:
            # we never claim a hold AWS lacks, and AWS never has a live hold of ours we forgot
            # (a hold born late, its Join delayed, is present but lapsed until the next beat)
            if state.holding:
                assert mine is not None and int(state.ours.deadline or 0) == mine.ends, (state, aws)
            else:
                assert mine is None or not holds.is_live(mine, now, SETTINGS.judge), (state, aws)
            assert {h.holder for h in holds.live(state.shared, now, SETTINGS.judge)} == {
                h.holder for h in holds.live(aws.shared, now, SETTINGS.judge)
            }, (state, aws)
        else:
            assert not state.holding, (state, aws)

    @precondition(lambda self: not self.quit_done)
    @rule(
        fail=st.booleans(),
        reason=st.sampled_from(["quit", "signal", "shutdown"]),
        leftovers=st.booleans(),
    )
    def quit(self, fail: bool, reason: str, leftovers: bool) -> None:
        """The app exits: stop, wait until settled (a bounded time), save a pending stop if
        unconfirmed. Then the worker may or may not carry out what was still queued."""
        self.feed(StopRequested(self.now, reason))
        for _ in range(60):
            if settled(self.state):
                break
            if not self.next_in_order(fail_stops=fail):
                self.now += 1
                self.feed(Tick(self.now, None))
        if not settled(self.state):
            self.feed(ShutdownTimedOut(self.now))
            assert self.pending_saved, self.state
            return self._exit()
        while leftovers and self.in_flight:
            self.carry_out(0, "answers")
        others = holds.others(self.aws.shared, self.now, SETTINGS.judge)
        excused = others or self._console_kept_it_on() or self._never_knew()
        assert not self.aws.enabled or excused, (self.state, self.aws)
        return self._exit()

    def _exit(self) -> None:
        self.quit_done = True

    @precondition(lambda self: self.quit_done)
    @rule()
    def exited(self) -> None:
        """Nothing happens after the app exits (Hypothesis needs a rule it may pick)."""

    def _never_knew(self) -> bool:
        """The app quit holding nothing, having last seen the rule off (or before any poll
        answered): it cannot end a session it never saw, begun and lapsed since by another
        device (the function's guard ends it at its next run)."""
        mine = self.aws.shared.held_by(ME)
        lapsed = mine is None or not holds.is_live(mine, self.now, SETTINGS.judge)
        return self.state.phase in (Phase.UNKNOWN, Phase.OFF) and lapsed

    def _console_kept_it_on(self) -> bool:
        mine = self.aws.shared.held_by(ME)
        return self.aws.switched_on_outside and (
            mine is None or not holds.is_live(mine, self.now, SETTINGS.judge)
        )

    # ---- invariants ----

    @invariant()
    def the_rule_is_not_off_under_our_live_hold(self) -> None:
        mine = self.aws.shared.held_by(ME)
        if mine is None or self.aws.enabled or self.aws.switched_off_outside:
            return
        assert not holds.is_live(mine, self.now, SETTINGS.judge), (self.state, self.aws)


SessionOrders.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_session_orders = SessionOrders.TestCase
