from pathlib import Path

import pytest

from tray_app import config
from tray_app.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults_are_the_seeds_names(tmp_path: Path) -> None:
    c = config.load({}, env={}, path=None)
    assert (c.rule, c.function, c.table, c.bucket, c.stack) == (
        "data-collector-schedule",
        "data-collector",
        "InfraMetrics",
        "infra-monitoring-pipeline-data",
        "pipeline-tray",
    )
    assert (c.session_minutes, c.idle_minutes, c.poll_seconds) == (60, 15, 30)
    assert c.region is None and c.profile is None and c.endpoint_url is None
    assert c.origin["rule"] == "default"


def test_precedence_flag_then_env_then_file_then_default(tmp_path: Path) -> None:
    file = write(
        tmp_path / "c.toml", 'rule = "from-file"\ntable = "file-table"\nstack = "file-stack"\n'
    )
    env = {"PIPELINE_TRAY_RULE": "from-env", "PIPELINE_TRAY_TABLE": "env-table"}
    c = config.load({"rule": "from-flag"}, env=env, path=file)
    assert c.rule == "from-flag" and c.origin["rule"] == "flag --rule"
    assert c.table == "env-table" and c.origin["table"] == "env PIPELINE_TRAY_TABLE"
    assert c.stack == "file-stack" and c.origin["stack"] == f"file {file}"
    assert c.function == "data-collector" and c.origin["function"] == "default"


def test_standard_aws_environment_counts_as_environment(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", 'region = "us-west-2"\nprofile = "file-profile"\n')
    env = {
        "AWS_REGION": "eu-central-1",
        "AWS_PROFILE": "study",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    c = config.load({}, env=env, path=file)
    assert (c.region, c.profile) == ("eu-central-1", "study")
    assert c.from_aws_environment("endpoint_url")
    assert not config.load({"endpoint_url": "http://x:1"}, env=env).from_aws_environment(
        "endpoint_url"
    )
    # our own variable beats the standard one
    c = config.load({}, env={**env, "PIPELINE_TRAY_REGION": "ap-south-1"}, path=file)
    assert c.region == "ap-south-1"


def test_numbers_from_environment_strings(tmp_path: Path) -> None:
    c = config.load({}, env={"PIPELINE_TRAY_POLL_SECONDS": "1"})
    assert c.poll_seconds == 1


def test_config_env_variable_names_the_file(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "session_minutes = 90\n")
    c = config.load({}, env={"PIPELINE_TRAY_CONFIG": str(file)})
    assert c.session_minutes == 90 and c.file == file


def test_default_file_lives_in_the_platform_config_dir(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at tmp_path / "xdg-config"
    assert config.default_config_path() == tmp_path / "xdg-config" / "pipeline-tray" / "config.toml"
    config.default_config_path().parent.mkdir(parents=True)
    write(config.default_config_path(), "idle_minutes = 5\n")
    assert config.load({}).idle_minutes == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 'green'\n", "unknown key 'colour'; accepted keys: profile, region"),
        ("session_minutes = -5\n", "session_minutes must be a whole number of 1 or more, got -5"),
        ("session_minutes = 0\n", "session_minutes must be a whole number of 1 or more"),
        (
            "poll_seconds = 'often'\n",
            "poll_seconds must be a whole number of 1 or more, got 'often'",
        ),
        ("idle_minutes = 2.5\n", "idle_minutes must be a whole number"),
        ("idle_minutes = true\n", "idle_minutes must be a whole number"),
        ("rule = 7\n", "rule must be a non-empty string, got 7"),
        ("rule = ''\n", "rule must be a non-empty string"),
        ("endpoint_url = 'localhost:5000'\n", "endpoint_url must start with http:// or https://"),
        ("rule = \n", "not valid TOML"),
    ],
)
def test_bad_file_values_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    file = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        config.load({}, env={}, path=file)
    assert str(file) in str(caught.value)
    assert message in str(caught.value)
    assert caught.value.exit_code == 2


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="env PIPELINE_TRAY_IDLE_MINUTES: idle_minutes must be"):
        config.load({}, env={"PIPELINE_TRAY_IDLE_MINUTES": "-1"})


def test_a_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        config.load({}, env={}, path=tmp_path / "missing.toml")


def test_a_missing_default_file_is_fine() -> None:
    assert config.load({}, env={}).file.name == "config.toml"
