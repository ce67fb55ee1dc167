#!/usr/bin/env python3
"""The Kubernetes manifests in deploy/kubernetes/ parse and hang together.

No cluster and no kubeconform here: this checks what a typo would break and
an apply would not catch until a rollout (selectors, ports, probes, the
drain timing against the grace period, the hardening).
Run as `python3 tests/deploy/kubernetes_test.py` (ctest deploy.kubernetes).
"""
import pathlib
import tomllib
import unittest

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
KINDS = {"ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "Ingress", "PodDisruptionBudget"}


def load_manifests():
    """Every object in every manifest, by kind (one of each expected)."""
    objects = {}
    for path in sorted(MANIFESTS.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document is None or document.get("kind") == "Kustomization":
                continue
            objects.setdefault(document["kind"], []).append(document)
    return objects


def seconds(text):
    return int(str(text).rstrip("s"))


class KubernetesManifests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.objects = load_manifests()
        cls.deployment = cls.objects["Deployment"][0]
        cls.pod = cls.deployment["spec"]["template"]["spec"]
        cls.container = cls.pod["containers"][0]
        cls.pod_labels = cls.deployment["spec"]["template"]["metadata"]["labels"]
        cls.config = tomllib.loads(cls.objects["ConfigMap"][0]["data"]["relay.toml"])

    def selects_pods(self, selector, what):
        self.assertTrue(selector, f"{what} has an empty selector")
        for key, value in selector.items():
            self.assertEqual(self.pod_labels.get(key), value, f"{what} selector {key}={value} misses the pods")

    def container_port(self, port):
        """The containerPort a probe or Service port (name or number) refers to."""
        for declared in self.container["ports"]:
            if port in (declared.get("name"), declared["containerPort"]):
                return declared["containerPort"]
        self.fail(f"port {port!r} is not a port of the relay container")

    def test_every_kind_once_with_metadata(self):
        self.assertEqual(set(self.objects), KINDS)
        kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
        self.assertEqual(sorted(kustomization["resources"]),
                         sorted(path.name for path in MANIFESTS.glob("*.yaml") if path.name != "kustomization.yaml"))
        for kind, objects in self.objects.items():
            self.assertEqual(len(objects), 1, kind)
            for key in ("apiVersion", "kind", "metadata"):
                self.assertIn(key, objects[0], kind)
            self.assertTrue(objects[0]["metadata"].get("name"), kind)
            self.assertTrue(objects[0]["metadata"].get("labels"), kind)

    def test_deployment_selector_matches_its_pods(self):
        self.selects_pods(self.deployment["spec"]["selector"]["matchLabels"], "Deployment")

    def test_probes_on_healthz(self):
        for probe in ("readinessProbe", "livenessProbe"):
            check = self.container[probe]["httpGet"]
            self.assertEqual(check["path"], "/healthz", probe)
            self.assertEqual(self.container_port(check["port"]), 8080, probe)

    def test_resources(self):
        resources = self.container["resources"]
        self.assertIn("cpu", resources["requests"])
        self.assertIn("memory", resources["requests"])
        self.assertIn("memory", resources["limits"])

    def test_non_root_read_only_no_privileges(self):
        pod_security = self.pod["securityContext"]
        self.assertTrue(pod_security["runAsNonRoot"])
        self.assertNotEqual(pod_security.get("runAsUser", 0), 0)
        security = self.container["securityContext"]
        self.assertTrue(security["readOnlyRootFilesystem"])
        self.assertFalse(security["allowPrivilegeEscalation"])
        self.assertEqual(security["capabilities"]["drop"], ["ALL"])

    def test_config_mounted_where_the_image_reads_it(self):
        dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
        self.assertIn('"--config", "/etc/sockbridge/relay.toml"', dockerfile)
        mounts = {mount["name"]: mount["mountPath"] for mount in self.container["volumeMounts"]}
        volume = next(volume for volume in self.pod["volumes"] if volume["name"] in mounts)
        self.assertEqual(mounts[volume["name"]], "/etc/sockbridge")
        self.assertEqual(volume["configMap"]["name"], self.objects["ConfigMap"][0]["metadata"]["name"])
        self.assertIn({"key": "relay.toml", "path": "relay.toml"}, volume["configMap"]["items"])

    def test_public_config(self):
        self.assertFalse(self.config["dev"])
        self.assertFalse(self.config["guest_listen"]["enabled"])
        self.assertEqual(self.config["listen"].rsplit(":", 1)[1], str(self.container_port("http")))
        # Same schema as the compose config: no key the relay would reject as unknown there.
        compose_config = tomllib.loads((ROOT / "docker" / "relay.toml").read_text())
        self.assertEqual(set(self.config), set(compose_config))
        for table in ("policy", "guest_listen", "limits"):
            self.assertEqual(set(self.config[table]), set(compose_config[table]), table)

    def test_grace_period_outlasts_prestop_and_drain(self):
        drain = self.config["drain_timeout_seconds"]
        pre_stop = self.container["lifecycle"]["preStop"]["exec"]["command"]
        pause = int(pre_stop[1]) if pre_stop[0] == "sleep" else 0
        self.assertGreater(self.pod["terminationGracePeriodSeconds"], drain + pause)
        # /healthz answers 503 while draining: liveness must not kill the pod before the drain ends.
        liveness = self.container["livenessProbe"]
        self.assertGreater(liveness["periodSeconds"] * liveness["failureThreshold"], drain)

    def test_service_reaches_the_pods(self):
        service = self.objects["Service"][0]
        self.selects_pods(service["spec"]["selector"], "Service")
        for port in service["spec"]["ports"]:
            self.container_port(port["targetPort"])

    def test_ingress_routes_to_the_service_with_websocket_timeouts(self):
        ingress = self.objects["Ingress"][0]
        service = self.objects["Service"][0]
        service_ports = {port["name"] for port in service["spec"]["ports"]} | {port["port"] for port in service["spec"]["ports"]}
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                self.assertEqual(backend["name"], service["metadata"]["name"])
                self.assertIn(backend["port"].get("name", backend["port"].get("number")), service_ports)
        annotations = ingress["metadata"]["annotations"]
        limits = self.config["limits"]
        idle = max(limits["session_idle_timeout_seconds"], limits["stream_idle_timeout_seconds"])
        for name in ("proxy-read-timeout", "proxy-send-timeout"):
            value = seconds(annotations[f"nginx.ingress.kubernetes.io/{name}"])
            self.assertGreater(value, idle, f"{name} would cut sessions the relay still keeps")
        self.assertTrue(ingress["spec"].get("tls"), "the Ingress terminates TLS")

    def test_autoscaler_targets_the_deployment(self):
        hpa = self.objects["HorizontalPodAutoscaler"][0]["spec"]
        target = hpa["scaleTargetRef"]
        self.assertEqual((target["kind"], target["name"]), ("Deployment", self.deployment["metadata"]["name"]))
        self.assertGreaterEqual(hpa["minReplicas"], 2)
        self.assertGreaterEqual(hpa["maxReplicas"], hpa["minReplicas"])
        self.assertTrue(hpa["metrics"])

    def test_disruption_budget_allows_one_drain_at_a_time(self):
        pdb = self.objects["PodDisruptionBudget"][0]["spec"]
        self.selects_pods(pdb["selector"]["matchLabels"], "PodDisruptionBudget")
        minimum = self.objects["HorizontalPodAutoscaler"][0]["spec"]["minReplicas"]
        if "maxUnavailable" in pdb:
            self.assertGreaterEqual(pdb["maxUnavailable"], 1)
        else:
            self.assertLess(pdb["minAvailable"], minimum, "the budget would block every node drain")


if __name__ == "__main__":
    unittest.main()
