"""deploy/kubernetes: every overlay renders with kustomize into objects Kubernetes accepts.

Each overlay is rendered with `kubectl kustomize`, every object is validated offline against the
Kubernetes OpenAPI schema (strict: unknown fields are errors), and the properties an operator
relies on are asserted: probes, replicas, where state and secrets come from, autoscaling,
disruption budget, TLS.
"""

from __future__ import annotations

import copy
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from lowcraft.config import Settings

KUSTOMIZE_ROOT = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
OVERLAYS = sorted(p.parent.name for p in (KUSTOMIZE_ROOT / "overlays").glob("*/kustomization.yaml"))
# The oldest Kubernetes we support, and the newest the validator knows.
KUBERNETES_VERSIONS = ["1.29", kubernetes_validate.utils.latest_version()]
DATA_DIR = "/lowcraft-stacks"
SECRET_SETTINGS = {"LOWCRAFT_DATABASE_URL", "LOWCRAFT_REDIS_URL", "LOWCRAFT_ENCRYPTION_KEY"}

Manifest = dict[str, Any]

_rendered: dict[str, list[Manifest]] = {}


def render(kubectl: str, overlay: str) -> list[Manifest]:
    if overlay not in _rendered:
        result = subprocess.run(
            [kubectl, "kustomize", str(KUSTOMIZE_ROOT / "overlays" / overlay)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        _rendered[overlay] = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    return _rendered[overlay]


def one(objects: list[Manifest], kind: str) -> Manifest:
    found = [o for o in objects if o["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def container(objects: list[Manifest]) -> Manifest:
    (server,) = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    result: Manifest = server
    return result


def pod_labels(objects: list[Manifest]) -> dict[str, str]:
    labels: dict[str, str] = one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    return labels


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def environment(objects: list[Manifest]) -> dict[str, Any]:
    """The server's variables: literal values from its ConfigMap, valueFrom for the rest."""
    server = container(objects)
    env: dict[str, Any] = {}
    for source in server.get("envFrom", []):
        name = source["configMapRef"]["name"]
        config_map = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name)
        env.update(config_map["data"])
    for variable in server.get("env", []):
        env[variable["name"]] = variable.get("value", variable.get("valueFrom"))
    return env


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest, kubectl_bin: str) -> list[Manifest]:
    return render(kubectl_bin, request.param)


def test_there_is_a_single_and_an_ha_overlay() -> None:
    assert OVERLAYS == ["ha", "single"]


# --- every overlay -----------------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_matches_the_kubernetes_schema(overlay: list[Manifest], version: str) -> None:
    for manifest in overlay:
        kubernetes_validate.validate(manifest, version, strict=True)


def test_the_schema_check_rejects_a_misspelt_field(kubectl_bin: str) -> None:
    deployment = copy.deepcopy(one(render(kubectl_bin, "single"), "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGett"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)


def test_probes_use_readiness_and_health_endpoints(overlay: list[Manifest]) -> None:
    server = container(overlay)
    port_names = {p["name"]: p["containerPort"] for p in server["ports"]}
    for probe, path in [
        ("readinessProbe", "/api/v1/ready"),
        ("livenessProbe", "/api/v1/health"),
        ("startupProbe", "/api/v1/health"),
    ]:
        assert server[probe]["httpGet"]["path"] == path, probe
        assert server[probe]["httpGet"]["port"] in port_names, probe
    assert str(port_names["http"]) == str(environment(overlay)["LOWCRAFT_PORT"])


def test_pods_run_non_root_on_a_read_only_root_filesystem(overlay: list[Manifest]) -> None:
    pod = one(overlay, "Deployment")["spec"]["template"]["spec"]
    server = container(overlay)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert server["securityContext"]["readOnlyRootFilesystem"] is True
    assert server["securityContext"]["allowPrivilegeEscalation"] is False
    assert server["securityContext"]["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"]: m["name"] for m in server["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]], "/tmp must stay writable"
    assert DATA_DIR in mounts, "the data directory must be writable too"


def test_resources_are_requested_and_limited(overlay: list[Manifest]) -> None:
    resources = container(overlay)["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"])
    assert "memory" in resources["limits"]


def test_the_server_is_configured_by_valid_lowcraft_settings(overlay: list[Manifest]) -> None:
    env = environment(overlay)
    assert all(name.startswith("LOWCRAFT_") for name in env)
    literal = {k.removeprefix("LOWCRAFT_").lower(): v for k, v in env.items() if isinstance(v, str)}
    assert set(literal) <= set(Settings.model_fields), "a variable the server does not read"
    settings = Settings.model_validate(literal)
    assert str(settings.data_dir) == DATA_DIR
    assert settings.host == "0.0.0.0"


def test_the_service_reaches_the_pods(overlay: list[Manifest]) -> None:
    service = one(overlay, "Service")
    assert selects(service["spec"]["selector"], pod_labels(overlay))
    container_ports = {p["name"] for p in container(overlay)["ports"]}
    assert all(p["targetPort"] in container_ports for p in service["spec"]["ports"])


def test_the_image_is_the_version_this_repository_builds(overlay: list[Manifest]) -> None:
    version = tomllib.loads((KUSTOMIZE_ROOT.parents[1] / "pyproject.toml").read_text())["project"]["version"]
    assert container(overlay)["image"].endswith(f":{version}")


# --- single: one pod on one volume -----------------------------------------------------------


def test_single_keeps_all_state_on_one_persistent_volume(kubectl_bin: str) -> None:
    objects = render(kubectl_bin, "single")
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == 1
    # SQLite on a ReadWriteOnce volume: the old pod must stop before the new one starts.
    assert deployment["spec"]["strategy"]["type"] == "Recreate"

    claim = one(objects, "PersistentVolumeClaim")
    mounts = {m["mountPath"]: m["name"] for m in container(objects)["volumeMounts"]}
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    data_volume = volumes[mounts[DATA_DIR]]
    assert data_volume == {
        "name": mounts[DATA_DIR],
        "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]},
    }
    assert SECRET_SETTINGS.isdisjoint(environment(objects)), "the single install needs no external services"


# --- ha: stateless replicas on external services -------------------------------------------------


def test_ha_reads_database_redis_and_key_from_secrets(kubectl_bin: str) -> None:
    env = environment(render(kubectl_bin, "ha"))
    for name in SECRET_SETTINGS:
        reference = env[name]["secretKeyRef"]
        assert reference["name"] and reference["key"], name
        assert "optional" not in reference or reference["optional"] is False


def test_ha_runs_several_replicas_that_roll_without_downtime(kubectl_bin: str) -> None:
    deployment = one(render(kubectl_bin, "ha"), "Deployment")
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_ha_autoscales_the_deployment(kubectl_bin: str) -> None:
    objects = render(kubectl_bin, "ha")
    deployment, hpa = one(objects, "Deployment"), one(objects, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == (
        deployment["apiVersion"],
        "Deployment",
        deployment["metadata"]["name"],
    )
    assert 2 <= hpa["spec"]["minReplicas"] <= deployment["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
    # CPU utilisation is only computable when the container requests CPU.
    assert "cpu" in container(objects)["resources"]["requests"]


def test_ha_disruption_budget_covers_the_pods_and_keeps_some_serving(kubectl_bin: str) -> None:
    objects = render(kubectl_bin, "ha")
    pdb, hpa = one(objects, "PodDisruptionBudget"), one(objects, "HorizontalPodAutoscaler")
    assert selects(pdb["spec"]["selector"]["matchLabels"], pod_labels(objects))
    if "maxUnavailable" in pdb["spec"]:
        assert 1 <= pdb["spec"]["maxUnavailable"] < hpa["spec"]["minReplicas"]
    else:
        assert 1 <= pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"]


def test_ha_ingress_terminates_tls_for_its_host_and_routes_to_the_service(kubectl_bin: str) -> None:
    objects = render(kubectl_bin, "ha")
    ingress, service = one(objects, "Ingress"), one(objects, "Service")
    tls_hosts = {host for entry in ingress["spec"]["tls"] for host in entry["hosts"]}
    assert all(entry["secretName"] for entry in ingress["spec"]["tls"])
    rule_hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert rule_hosts <= tls_hosts
    service_ports = {p["name"] for p in service["spec"]["ports"]}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == service["metadata"]["name"]
            assert backend["port"]["name"] in service_ports
    # Cookies become Secure only when the server knows its public URL is https.
    assert environment(objects)["LOWCRAFT_BASE_URL"] in {f"https://{host}" for host in rule_hosts}
