"""The community Terraform modules a platform team really runs
(third_party/: terraform-aws-modules/vpc and /transit-gateway, unedited),
applied through third_party/run-example.sh exactly as a user would try them:
init, apply, plan -detailed-exitcode (must be empty), destroy.

Each example gets its own xvpc server. The examples run side by side (they
spend most of their time in Terraform's waits, not on the CPU), started
together when the first test of this file runs; each test then waits for its
own. They share one provider cache, filled once before they start.

An example that needs something xvpc does not build yet is an expected
failure with the reason, and `strict`: the day it passes, its test fails
until the marker goes, so this list never claims less than is true. Today
every example listed passes."""
import concurrent.futures
import os
import subprocess
import tempfile
import time

import pytest

from conftest import ROOT, Server
from terraform_run import MIRROR, requires_terraform

THIRD_PARTY = os.path.join(ROOT, "third_party")
# Shared by every example and kept between runs (target/ is the build
# directory a clone already ignores), so only the first run copies the
# provider out of the mirror.
PLUGIN_CACHE = os.path.join(ROOT, "target", "tf-plugin-cache")
# Each example's output, for reading after a run.
LOGS = os.path.join(ROOT, "target", "module-examples")
# Examples at once: more only queue behind the two CPUs.
PARALLEL = 3

# (module folder, example) -> None when it must pass, or why it cannot yet.
# Examples left out, and why:
# - vpc `ipam`: VPC IPAM, which no issue asks for yet;
# - vpc `outpost`: needs an AWS Outpost, which xvpc does not emulate;
# - vpc `vpc-flow-logs`: takes an S3 module from the public registry;
# - vpc `issues`: Terraform refuses it before any request (issue 46's
#   configuration has neither private nor database route tables, and
#   `coalescelist` of two empty lists is an error), against AWS too;
# - transit-gateway `multi-account`: Terraform refuses it before any request
#   (`for_each` keyed by route table ids known only after apply), against
#   AWS too.
EXAMPLES = {
    ("terraform-aws-vpc", "simple"): None,
    ("terraform-aws-vpc", "ipv6-only"): None,
    ("terraform-aws-vpc", "secondary-cidr-blocks"): None,
    ("terraform-aws-transit-gateway", "complete"): None,
    ("terraform-aws-vpc", "ipv6-dualstack"): None,
    ("terraform-aws-vpc", "manage-default-vpc"): None,
    ("terraform-aws-vpc", "network-acls"): None,
    ("terraform-aws-vpc", "separate-route-tables"): None,
    ("terraform-aws-vpc", "block-public-access"): None,
    ("terraform-aws-vpc", "complete"): None,
}


def run_example(module, example, env):
    """Runs one example against a fresh server; returns (exit code, output).
    The output, with the time taken, also goes to target/module-examples/."""
    server = Server().start()
    started = time.monotonic()
    # run-example.sh points the provider's main services at the server; the
    # provider's AWS_ENDPOINT_URL sends every other one there too (the
    # `complete` example's CloudWatch Logs group), so no request can leave
    # the machine for a real AWS hostname.
    env = {**env, "AWS_ENDPOINT_URL": server.url}
    try:
        p = subprocess.run(["bash", os.path.join(THIRD_PARTY, "run-example.sh"), module, example, server.url],
                           env=env, capture_output=True, text=True, timeout=1800)
        out = p.stdout + p.stderr + f"\n({time.monotonic() - started:.0f} s in all)\n"
        os.makedirs(LOGS, exist_ok=True)
        with open(os.path.join(LOGS, f"{module}-{example}.log"), "w") as f:
            f.write(out)
        return p.returncode, out
    finally:
        server.cleanup()


def fill_plugin_cache(env):
    """One init of a configuration that only needs the AWS provider, so the
    examples' concurrent inits find it in the cache instead of all copying
    it out of the mirror at once (Terraform's cache is not safe for
    concurrent writers)."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "main.tf"), "w") as f:
            f.write('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n')
        rc = os.path.join(d, "terraformrc")
        with open(rc, "w") as f:
            f.write('provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n'
                    '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n' % MIRROR)
        subprocess.run(["terraform", "init", "-input=false", "-no-color"], cwd=d, check=True, capture_output=True,
                       env={**env, "TF_CLI_CONFIG_FILE": rc}, timeout=600)


@pytest.fixture(scope="module")
def runs(request):
    os.makedirs(PLUGIN_CACHE, exist_ok=True)
    env = {**os.environ, "TF_PLUGIN_CACHE_DIR": PLUGIN_CACHE,
           # The examples have no lock file; without this Terraform 1.4+
           # ignores the cache and copies the provider for each of them.
           "TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE": "true"}
    fill_plugin_cache(env)
    # Only the examples this session selected (`-k simple` runs one).
    selected = [i.callspec.params["key"] for i in request.session.items if i.module is request.module]
    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
        yield {key: pool.submit(run_example, *key, env) for key in selected}


def expectation(key):
    reason = EXAMPLES[key]
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@requires_terraform
# One example takes 2-7 minutes on a loaded machine (most of it Terraform's
# own waits), and a test may also wait for the examples queued before it.
@pytest.mark.timeout(2400)
@pytest.mark.parametrize("key", [pytest.param(k, id="/".join(k), marks=expectation(k)) for k in EXAMPLES])
def test_example_applies_plans_empty_and_destroys(runs, key):
    rc, out = runs[key].result()
    assert rc == 0, f"run-example.sh {' '.join(key)}:\n{out[-6000:]}"
