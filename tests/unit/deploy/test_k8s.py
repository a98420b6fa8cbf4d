"""deploy/k8s: the kustomize base and the example overlay render and validate, offline.

``kubectl kustomize`` renders the overlay (the same build ``kubectl apply -k`` does); every
manifest is then validated in strict mode against the Kubernetes OpenAPI schemas bundled by
the PyPI package ``kubernetes-validate`` (no cluster, no network). The PodMonitor is a Prometheus
Operator resource with no bundled schema, so the tests below check what matters about it: it
selects the pods, scrapes a port they declare, and labels them ``job="backchannel"`` as the
alert rules expect. Finally the rendered configuration is loaded the way the pods load it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
K8S = REPO / "deploy" / "k8s"
OVERLAY = K8S / "overlays" / "example"
RULES = REPO / "deploy" / "prometheus" / "rules" / "backchannel.rules.yml"
# The oldest Kubernetes minor the manifests target; the bundle has schemas from 1.25 on.
KUBERNETES_VERSION = "1.31.0"
CRDS = {("monitoring.coreos.com/v1", "PodMonitor")}
NAMESPACED = {"ServiceAccount", "ConfigMap", "Service", "Deployment", "StatefulSet"}
SECRET_WORDS = re.compile(r"PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_?KEY", re.IGNORECASE)
KUBECTL_HINT = (
    "kubectl is needed to render deploy/k8s (Debian/Ubuntu: the kubectl package from the"
    " Kubernetes or Google Cloud apt repository; it bundles kustomize)"
)
VALIDATE_HINT = "pip install kubernetes-validate (in the dev extras)"


def _missing(what: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing on CI", pytrace=False)
    pytest.skip(f"{what} is not installed")


def _build(path: Path) -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        _missing(KUBECTL_HINT)
    out = subprocess.run(
        [kubectl, "kustomize", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    return _build(OVERLAY)


def _one(docs: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    found = [
        d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)
    ]
    assert len(found) == 1, (kind, name, [d["metadata"]["name"] for d in found])
    return found[0]


def _pod_specs(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        d["metadata"]["name"]: d["spec"]["template"]
        for d in docs
        if d["kind"] in ("Deployment", "StatefulSet")
    }


def _env_literals(docs: list[dict[str, Any]]) -> dict[str, str]:
    env = [d for d in docs if d["kind"] == "ConfigMap" and "BACKCHANNEL_BROKER" in d["data"]]
    assert len(env) == 1
    data: dict[str, str] = env[0]["data"]
    return data


def test_every_manifest_validates_against_the_kubernetes_schema(
    rendered: list[dict[str, Any]],
) -> None:
    try:
        import kubernetes_validate  # type: ignore[import-untyped]
    except ImportError:
        _missing(VALIDATE_HINT)
    kinds = set()
    for doc in rendered:
        kinds.add(doc["kind"])
        if (doc["apiVersion"], doc["kind"]) in CRDS:
            continue
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    assert {"StatefulSet", "Deployment", "Service", "ConfigMap", "PodMonitor"} <= kinds
    assert "Secret" not in kinds, "secret values never live in this repository"


def test_strict_validation_rejects_a_misspelt_field(rendered: list[dict[str, Any]]) -> None:
    try:
        import kubernetes_validate
    except ImportError:
        _missing(VALIDATE_HINT)
    bad = yaml.safe_load(yaml.safe_dump(_one(rendered, "StatefulSet")))
    bad["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSION, strict=True)


def test_base_has_no_namespace_and_the_overlay_sets_one(rendered: list[dict[str, Any]]) -> None:
    base = _build(K8S / "base")
    assert all("namespace" not in d["metadata"] for d in base)
    namespace = _one(rendered, "Namespace")["metadata"]["name"]
    for doc in rendered:
        if doc["kind"] in NAMESPACED:
            assert doc["metadata"]["namespace"] == namespace, doc["metadata"]["name"]


def test_workers_keep_state_on_a_volume_claim(rendered: list[dict[str, Any]]) -> None:
    workers = _one(rendered, "StatefulSet", "backchannel-worker")
    claims = {c["metadata"]["name"] for c in workers["spec"]["volumeClaimTemplates"]}
    [container] = workers["spec"]["template"]["spec"]["containers"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    state_dir = _env_literals(rendered)["BACKCHANNEL_STATE_DIR"]
    assert mounts[state_dir] in claims
    assert container["args"] == ["worker"]
    assert workers["spec"]["serviceName"] == _one(rendered, "Service")["metadata"]["name"]


def test_workers_never_outnumber_partitions(rendered: list[dict[str, Any]]) -> None:
    workers = _one(rendered, "StatefulSet", "backchannel-worker")
    partitions = int(_env_literals(rendered)["BACKCHANNEL_PARTITIONS"])
    assert 1 <= workers["spec"]["replicas"] <= partitions


def test_one_feed_poller(rendered: list[dict[str, Any]]) -> None:
    ingest = _one(rendered, "Deployment", "backchannel-ingest")
    assert ingest["spec"]["replicas"] == 1
    assert ingest["spec"]["strategy"]["type"] == "Recreate"
    assert ingest["spec"]["template"]["spec"]["containers"][0]["args"] == ["ingest", "--feeds"]


def test_containers_have_resources_and_probes_on_the_metrics_port(
    rendered: list[dict[str, Any]],
) -> None:
    port = int(_env_literals(rendered)["BACKCHANNEL_METRICS_PORT"])
    for name, template in _pod_specs(rendered).items():
        for container in template["spec"]["containers"]:
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            assert ports["metrics"] == port, name
            for kind in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][kind]), (name, kind)
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                assert container[probe]["httpGet"]["port"] == "metrics", (name, probe)
                assert container[probe]["httpGet"]["path"] == "/metrics", (name, probe)
            assert container["image"].endswith(":0.1.0"), container["image"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_settings_come_from_the_config_map_and_the_password_from_a_secret(
    rendered: list[dict[str, Any]],
) -> None:
    env_map = next(
        d["metadata"]["name"]
        for d in rendered
        if d["kind"] == "ConfigMap" and "BACKCHANNEL_BROKER" in d["data"]
    )
    for name, template in _pod_specs(rendered).items():
        [container] = template["spec"]["containers"]
        assert {"configMapRef": {"name": env_map}} in container["envFrom"], name
        env = {e["name"]: e for e in container["env"]}
        secret = env["BACKCHANNEL_KAFKA__SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert secret["name"] == "backchannel-kafka" and secret["key"] == "sasl-password"
        assert all("value" not in e for e in env.values()), name
    for key in _env_literals(rendered):
        assert not SECRET_WORDS.search(key), f"{key} belongs in the Secret, not a ConfigMap"


def test_rendered_configuration_loads_as_the_pods_load_it(
    rendered: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connectors.config import load_sources
    from streams.settings import load_settings

    config = next(
        d for d in rendered if d["kind"] == "ConfigMap" and "backchannel.yaml" in d["data"]
    )
    for name, text in config["data"].items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    env = _env_literals(rendered)
    for key, value in env.items():
        monkeypatch.setenv(key, value.replace("/etc/backchannel", str(tmp_path)))
    monkeypatch.setenv("BACKCHANNEL_KAFKA__SASL_PASSWORD", "from-the-secret")
    settings = load_settings()
    assert settings.broker == env["BACKCHANNEL_BROKER"]
    assert settings.topic_prefix == env["BACKCHANNEL_TOPIC_PREFIX"]
    assert settings.kafka.security_protocol == "SASL_SSL"
    assert settings.kafka.sasl_password is not None
    assert settings.sources_file == tmp_path / "sources.yaml"
    assert load_sources(settings.sources_file).feeds


def test_pod_monitor_scrapes_every_pod_as_job_backchannel(rendered: list[dict[str, Any]]) -> None:
    monitor = _one(rendered, "PodMonitor")
    wanted = monitor["spec"]["selector"]["matchLabels"]
    [endpoint] = monitor["spec"]["podMetricsEndpoints"]
    for name, template in _pod_specs(rendered).items():
        labels = template["metadata"]["labels"]
        assert wanted.items() <= labels.items(), name
        ports = {p["name"] for c in template["spec"]["containers"] for p in c["ports"]}
        assert endpoint["port"] in ports, name
        assert "app.kubernetes.io/component" in labels, name
    relabel = {r["targetLabel"]: r for r in endpoint["relabelings"]}
    assert relabel["job"]["replacement"] == "backchannel"
    assert relabel["role"]["sourceLabels"] == [
        "__meta_kubernetes_pod_label_app_kubernetes_io_component"
    ]
    assert 'job="backchannel"' in RULES.read_text(encoding="utf-8")


def test_worker_service_selects_the_workers(rendered: list[dict[str, Any]]) -> None:
    service = _one(rendered, "Service", "backchannel-worker")
    workers = _one(rendered, "StatefulSet", "backchannel-worker")
    labels = workers["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "metrics"
    assert service["spec"]["clusterIP"] == "None"
