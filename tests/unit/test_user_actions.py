"""One action table for the menu, the panel's keys and a notification's buttons."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest

from tray_app.app.facts import TrayFacts
from tray_app.app.runner import Runner
from tray_app.commands.tray_actions import TrayActions
from tray_app.core.ticks import EXTEND
from tray_app.core.user_actions import (
    PANEL_HELP,
    PANEL_KEYS,
    Choice,
    UserAction,
    for_key,
    from_button,
)


@pytest.fixture
def table() -> tuple[TrayActions, mock.Mock, mock.Mock, mock.Mock]:
    runner = mock.create_autospec(Runner, instance=True)
    facts = mock.create_autospec(TrayFacts, instance=True)
    quit_app = mock.Mock(spec=lambda: None)
    actions = TrayActions(
        runner,
        facts,
        Path("/nonexistent/config.toml"),
        show_latest=print,
        open_report=print,
        connect=print,
        quit_app=quit_app,
    )
    return actions, runner, facts, quit_app


def test_every_action_has_a_handler(
    table: tuple[TrayActions, mock.Mock, mock.Mock, mock.Mock],
) -> None:
    actions, *_ = table
    assert set(actions.handlers) == set(UserAction)


def test_the_menu_the_panel_and_the_button_extend_the_same_way(
    table: tuple[TrayActions, mock.Mock, mock.Mock, mock.Mock],
) -> None:
    actions, runner, _, _ = table
    key_choice = for_key("E")
    button_key, _text = EXTEND
    assert key_choice == from_button(button_key) == Choice(UserAction.EXTEND)
    assert key_choice is not None
    actions.perform(key_choice)
    actions.button(button_key)
    assert runner.extend.call_args_list == [mock.call(30), mock.call(30)]


def test_arguments_and_quit(table: tuple[TrayActions, mock.Mock, mock.Mock, mock.Mock]) -> None:
    actions, runner, facts, quit_app = table
    actions.perform(Choice(UserAction.LENGTH, "120"))
    facts.choose_length.assert_called_once_with(120)
    actions.perform(Choice(UserAction.TOGGLE))
    runner.toggle.assert_called_once_with()
    actions.perform(Choice(UserAction.QUIT))
    quit_app.assert_called_once_with()
    actions.perform(Choice(UserAction.CONNECT))  # AWS calls: handed to the worker
    runner.submit.assert_called_once_with(print)


@pytest.mark.parametrize("key", ["default", "quit", "toggle", "nonsense", ""])
def test_a_button_we_never_offer_does_nothing(
    table: tuple[TrayActions, mock.Mock, mock.Mock, mock.Mock], key: str
) -> None:
    actions, runner, facts, quit_app = table
    actions.button(key)
    assert runner.mock_calls == facts.mock_calls == quit_app.mock_calls == []


def test_the_panel_keys_and_their_help_line() -> None:
    assert PANEL_HELP == (
        "keys: s start/stop · j join · e extend +30 min · i invoke · l latest metric · r report · "
        "q quit"
    )
    assert [for_key(key) for key, _words, _action in PANEL_KEYS] == [
        Choice(action) for _key, _words, action in PANEL_KEYS
    ]
    assert for_key("x") is None
