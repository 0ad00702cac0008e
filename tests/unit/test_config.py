import re
import sys
from pathlib import Path

import botocore
import botocore.session
import pytest

from tray_app.app import config
from tray_app.aws import regions
from tray_app.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


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
    c = config.load({}, env={"PIPELINE_TRAY_POLL_SECONDS": "1", "PIPELINE_TRAY_IDLE_MINUTES": " 5"})
    assert (c.poll_seconds, c.idle_minutes) == (1, 5)
    c = config.load({}, env={"PIPELINE_TRAY_CLOCK_SKEW_SECONDS": "0"})
    assert c.clock_skew_seconds == 0


def test_config_env_variable_names_the_file(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "session_minutes = 90\n")
    c = config.load({}, env={"PIPELINE_TRAY_CONFIG": str(file)})
    assert c.session_minutes == 90 and c.file == file


@pytest.mark.skipif(sys.platform != "linux", reason="XDG_CONFIG_HOME is the Linux config dir")
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
        ("session_minutes = -5\n", "session_minutes must be a whole number from 1 to 1440, got -5"),
        ("session_minutes = 0\n", "session_minutes must be a whole number from 1 to 1440"),
        # other devices hold an end beyond the longest session to that bound (core/bounded.py)
        ("session_minutes = 1441\n", "session_minutes must be a whole number from 1 to 1440"),
        (
            "poll_seconds = 'often'\n",
            "poll_seconds must be a whole number of 1 or more, got 'often'",
        ),
        # TOML has numbers: a quoted one is a string, as everywhere else in the file
        (
            'session_minutes = "30"\n',
            "session_minutes must be a whole number from 1 to 1440, got '30'",
        ),
        ("clock_skew_seconds = '0'\n", "clock_skew_seconds must be a whole number of 0 or more"),
        ("idle_minutes = 2.5\n", "idle_minutes must be a whole number"),
        ("idle_minutes = true\n", "idle_minutes must be a whole number"),
        ("rule = 7\n", "rule must be a non-empty string, got 7"),
        ("rule = ''\n", "rule must be a non-empty string"),
        ("endpoint_url = 'localhost:5000'\n", "endpoint_url must start with http:// or https://"),
        ("rule = \n", "not valid TOML"),
        (
            "region = 'eu-wset-1'\n",
            "region 'eu-wset-1' is not an AWS region botocore knows; did you mean 'eu-west-1'?",
        ),
        ("region = 7\n", "region must be a non-empty string, got 7"),
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


def test_an_unknown_variable_of_ours_is_named_with_the_closest_known_one() -> None:
    with pytest.raises(ConfigError) as caught:
        config.load({}, env={"PIPELINE_TRAY_POLL_SECOND": "1"})
    assert str(caught.value) == (
        "environment: unknown variable PIPELINE_TRAY_POLL_SECOND; "
        "did you mean PIPELINE_TRAY_POLL_SECONDS?"
    )
    assert caught.value.exit_code == 2
    with pytest.raises(ConfigError, match=r"did you mean PIPELINE_TRAY_CONFIG\?"):
        config.load({}, env={"PIPELINE_TRAY_CONFG": "x.toml"})


def test_an_unknown_variable_far_from_every_name_lists_them() -> None:
    with pytest.raises(ConfigError) as caught:
        config.load({}, env={"PIPELINE_TRAY_XYZZY": ""})  # empty, and still a typo
    message = str(caught.value)
    assert "unknown variable PIPELINE_TRAY_XYZZY; known: PIPELINE_TRAY_CONFIG, " in message
    assert "PIPELINE_TRAY_POLL_SECONDS" in message


def test_other_variables_are_not_ours_to_judge() -> None:
    env = {"PIPELINE_TRAYX": "1", "AWS_WHATEVER": "1", "pipeline_tray_rule": "x"}
    assert config.load({}, env=env).rule == "data-collector-schedule"


# A deliberate typo in the docs and the tests of this very check.
TYPO_EXAMPLES = {"PIPELINE_TRAY_POLL_SECOND", "PIPELINE_TRAY_CONFG", "PIPELINE_TRAY_XYZZY"}


def test_every_variable_the_project_names_is_one_we_read() -> None:
    sources = [ROOT / "README.md", ROOT / "Makefile"]
    for folder in ("tray_app", "tests", "bench", "scripts", "docs"):
        sources += sorted((ROOT / folder).rglob("*.py")) + sorted((ROOT / folder).rglob("*.md"))
    named = {
        name
        for source in sources
        if source.is_file()
        for name in re.findall(r"PIPELINE_TRAY_[A-Z][A-Z_]*[A-Z]", source.read_text("utf-8"))
    }
    assert "PIPELINE_TRAY_CONFIG" in named and "PIPELINE_TRAY_DEVICE_NAME" in named
    assert named - TYPO_EXAMPLES <= set(config.variable_names())


@pytest.mark.parametrize(
    ("flags", "env", "where"),
    [
        ({"region": "eu-wset-1"}, {}, "flag --region"),
        ({}, {"PIPELINE_TRAY_REGION": "eu-wset-1"}, "env PIPELINE_TRAY_REGION"),
        ({}, {"AWS_REGION": "eu-wset-1"}, "env AWS_REGION"),
        ({}, {"AWS_DEFAULT_REGION": "eu-wset-1"}, "env AWS_DEFAULT_REGION"),
        # an emulator does not excuse it: moto answers 500 for a region it does not know
        ({"region": "eu-wset-1", "endpoint_url": "http://127.0.0.1:5000"}, {}, "flag --region"),
    ],
)
def test_a_region_botocore_does_not_know_is_named_with_its_closest_spelling(
    flags: dict[str, str], env: dict[str, str], where: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        config.load(flags, env=env)
    assert str(caught.value) == (
        f"{where}: region 'eu-wset-1' is not an AWS region botocore knows; "
        "did you mean 'eu-west-1'?"
    )
    assert caught.value.exit_code == 2


def test_a_region_far_from_every_known_one_lists_them_with_botocores_version() -> None:
    with pytest.raises(ConfigError) as caught:
        config.load({"region": "mars"}, env={})
    message = str(caught.value)
    assert message.startswith("flag --region: region 'mars' is not an AWS region botocore knows (")
    assert f"botocore {botocore.__version__} knows af-south-1, " in message
    assert "eu-west-1" in message and "needs a newer boto3" in message


def test_known_regions_are_botocores_in_every_partition() -> None:
    known = regions.known_regions()
    assert {"eu-west-1", "us-east-1", "cn-north-1", "us-gov-west-1"} <= known
    session = botocore.session.get_session()
    for partition in session.get_available_partitions():
        # every region EventBridge has, by botocore's other data (endpoints.json)
        assert set(session.get_available_regions("events", partition)) <= known
    assert "aws-global" not in known  # an endpoint alias, not somewhere a stack can live
    assert config.load({"region": "cn-north-1"}, env={}).region == "cn-north-1"
    with pytest.raises(ConfigError, match="'aws-global' is not an AWS region"):
        config.load({"region": "aws-global"}, env={})


def aws_config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "aws-config"
    path.write_text(text)
    return {"AWS_CONFIG_FILE": str(path)}


def test_the_profiles_region_is_checked_naming_the_file_and_the_profile(tmp_path: Path) -> None:
    env = aws_config(
        tmp_path, "[default]\nregion = eu-west-1\n[profile study]\nregion = eu-wset-1\n"
    )
    for source in ({"AWS_PROFILE": "study"}, {"PIPELINE_TRAY_PROFILE": "study"}):
        with pytest.raises(ConfigError) as caught:
            config.load({}, env={**env, **source})
        assert str(caught.value) == (
            f"{tmp_path / 'aws-config'}, profile study: region 'eu-wset-1' is not an AWS region "
            "botocore knows; did you mean 'eu-west-1'?"
        )
    with pytest.raises(ConfigError, match="profile study: region 'eu-wset-1'"):
        config.load({"profile": "study"}, env=env)
    with pytest.raises(ConfigError, match="profile study: region 'eu-wset-1'"):
        config.load({}, env={**env, "AWS_DEFAULT_PROFILE": "study"})  # boto3 reads it too
    assert config.load({}, env=env).region is None  # default: fine; boto3 resolves it itself


def test_a_profiles_region_that_is_not_used_is_not_judged(tmp_path: Path) -> None:
    env = aws_config(tmp_path, "[profile study]\nregion = eu-wset-1\n")
    loaded = config.load({"profile": "study", "region": "eu-west-1"}, env=env)
    assert loaded.region == "eu-west-1"  # the flag wins, so the profile's region is never used
    assert config.load({"profile": "study"}, env={**env, "AWS_REGION": "us-east-1"}).profile


def test_a_missing_or_broken_aws_config_is_left_to_boto3(tmp_path: Path) -> None:
    assert config.load({}, env={"AWS_CONFIG_FILE": str(tmp_path / "none")}).region is None
    env = aws_config(tmp_path, "this is [not ini\n")
    assert config.load({}, env=env).region is None
