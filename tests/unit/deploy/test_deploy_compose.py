"""docker-compose.yml and the Dockerfile, checked without Docker.

Docker's engine is not available on every developer machine or on CI, so this parses the file
and checks its structure; where the Compose plugin is installed, `docker compose config -q`
validates it against Compose's own schema as well.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.unit.deploy.promql import REPO

COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
SERVICES = {"kafka", "worker", "ingest", "prometheus", "alertmanager", "grafana"}
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY", re.IGNORECASE)
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def _image_tag(image: str) -> str:
    image = re.sub(r"\$\{[A-Za-z0-9_]+:-([^}]*)\}", r"\1", image)  # the default applies
    name, _, tag = image.rpartition(":")
    return tag if name and "/" not in tag else ""


def test_compose_has_every_service(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == SERVICES


def test_images_are_pinned_to_a_version(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        tag = _image_tag(service["image"])
        assert re.fullmatch(r"v?\d+\.\d+\.\d+", tag), (name, service["image"])
    assert compose["services"]["kafka"]["image"].startswith("apache/kafka:")
    base = re.search(r"^FROM (\S+)", DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert base and re.fullmatch(r"\d+\.\d+\.\d+-slim-\w+", _image_tag(base[1])), base


def test_grafana_version_matches_the_dashboard_sdk(compose: dict[str, Any]) -> None:
    from importlib.metadata import version

    sdk = version("grafana-foundation-sdk").split("!")[-1]  # "<epoch>!<grafana version>"
    grafana = _image_tag(compose["services"]["grafana"]["image"])
    assert grafana.split(".")[:2] == sdk.split(".")[:2]


def test_every_service_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert service.get("healthcheck", {}).get("test"), name


def test_backchannel_services_run_the_cli_from_the_dockerfile(compose: dict[str, Any]) -> None:
    worker, ingest = compose["services"]["worker"], compose["services"]["ingest"]
    assert worker["build"] == "." and ingest["build"] == "."
    assert worker["command"] == ["worker"]
    assert ingest["command"] == ["ingest", "--feeds"]
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11[\w.-]*-slim", text, re.MULTILINE)
    assert "pip install ." in text
    assert 'ENTRYPOINT ["backchannel"]' in text


def test_state_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    for name in ("kafka", "worker", "ingest", "prometheus", "alertmanager", "grafana"):
        mounts = [v.split(":")[0] for v in compose["services"][name]["volumes"]]
        named = [m for m in mounts if not m.startswith(".")]
        assert named and set(named) <= declared, name


def test_backchannel_env_is_backchannel_only(compose: dict[str, Any]) -> None:
    for name in ("worker", "ingest"):
        env = compose["services"][name]["environment"]
        assert env and all(key.startswith("BACKCHANNEL_") for key in env), name
    assert compose["services"]["worker"]["environment"]["BACKCHANNEL_METRICS_HOST"] == "0.0.0.0"


def test_no_secret_values_and_only_backchannel_variables() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    variables = INTERPOLATION.findall(text)
    assert variables and all(v.startswith("BACKCHANNEL_") for v in variables), variables
    data = yaml.safe_load(text)
    for name, service in data["services"].items():
        for key, value in (service.get("environment") or {}).items():
            assert not SECRET_WORDS.search(key), (name, key, value)


def test_published_ports_bind_to_localhost(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_prometheus_gets_the_rules_and_grafana_its_provisioning(compose: dict[str, Any]) -> None:
    assert "./deploy/prometheus:/etc/prometheus:ro" in compose["services"]["prometheus"]["volumes"]
    assert (
        "./deploy/alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro"
        in compose["services"]["alertmanager"]["volumes"]
    )
