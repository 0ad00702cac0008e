"""Every test runs with fake AWS credentials, no AWS config files and no user config.

The emulator fixtures: one ThreadedMotoServer on 127.0.0.1 for the session, reset per test.
Tests marked `dynamodb_backends` run twice: on moto alone, and with every DynamoDB call sent to
DynamoDB Local (AWS's own implementation; tests/dynamodb_local.py) and the rest to moto.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.aws_names import REGION
from tests.dynamodb_local import BACKENDS, DynamoDbLocal
from tests.faults.fault_proxy import FaultProxy
from tests.template_resources import create_pipeline


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The one place the session store's tests get both DynamoDB backends."""
    if metafunc.definition.get_closest_marker("dynamodb_backends") is not None:
        metafunc.parametrize("dynamodb_backend", BACKENDS, indirect=True)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real AWS identity, endpoint or pipeline-tray setting can leak into a test."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "PIPELINE_TRAY_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    # the state dir holds this device's holder id: each test is a device of its own
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    yield


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """Start the emulator once; yield its endpoint URL; stop it at the end."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def dynamodb_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DynamoDbLocal]:
    """DynamoDB Local, started once when a test first needs it; stopped at the end."""
    server = DynamoDbLocal(tmp_path_factory.mktemp("dynamodb-local") / "server.log")
    yield server
    server.stop()


@pytest.fixture
def dynamodb_backend(request: pytest.FixtureRequest) -> str:
    """Where DynamoDB's calls go: "moto", or "dynamodb-local" for tests marked dynamodb_backends."""
    backend: str = getattr(request, "param", "moto")
    return backend


@pytest.fixture
def endpoint(
    moto_server: str, dynamodb_backend: str, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The emulator's URL, with every service's state cleared.

    On "dynamodb-local" it is a router's URL that sends DynamoDB's calls to DynamoDB Local and
    the rest to moto: the tests' own proxies, clients and tray processes take it unchanged.
    """
    reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=10) as response:
        assert response.status == 200
    if dynamodb_backend == "moto":
        yield moto_server
        return
    server: DynamoDbLocal = request.getfixturevalue("dynamodb_local")
    server.clear()
    with FaultProxy(moto_server, dynamodb=server.url) as router:
        yield router.url


@pytest.fixture
def stack(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The template's bucket, table and disabled rule, made in the emulator."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)  # for the test's own boto3 calls
    return create_pipeline(boto3.session.Session(region_name=REGION), REGION)
