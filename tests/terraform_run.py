"""Running Terraform's AWS provider against the test server, the way users
do: a copy of a configuration, the provider from the machine's local mirror
(never the network), no ambient AWS credentials, and the server's URL as
`var.endpoint`."""
import contextlib
import json
import os
import shutil
import subprocess

import pytest

MIRROR = os.environ.get("TF_PLUGIN_MIRROR", "/opt/tf-plugins")
AVAILABLE = shutil.which("terraform") is not None and os.path.isdir(
    os.path.join(MIRROR, "registry.terraform.io", "hashicorp", "aws"))
requires_terraform = pytest.mark.skipif(not AVAILABLE, reason="terraform or the provider mirror is not installed")


def workspace(source_dir, server, tmp_path, **tf_vars):
    """Copies `source_dir` under tmp_path; returns (workdir, env) with
    `var.endpoint` set to the server and any extra TF_VAR_ values."""
    work = tmp_path / os.path.basename(os.path.normpath(source_dir))
    shutil.copytree(source_dir, work)
    rc = tmp_path / "terraformrc"
    rc.write_text('provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n'
                  '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n' % MIRROR)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(TF_CLI_CONFIG_FILE=str(rc), TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_VAR_endpoint=server.url,
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    env.update({f"TF_VAR_{k}": v for k, v in tf_vars.items()})
    return work, env


def tf(workdir, env, *args, ok=(0,), timeout=1200):
    """Runs one terraform command; fails the test unless its exit code is in `ok`."""
    flags = ["-no-color"] if args[0] == "output" else ["-input=false", "-no-color"]
    p = subprocess.run(["terraform", *args, *flags], cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout)
    assert p.returncode in ok, f"terraform {args[0]} exited {p.returncode}:\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}"
    return p


@contextlib.contextmanager
def applied(workdir, env, timeout=1200):
    """A configuration's whole life as a user runs it: init and apply, then
    the body (given the outputs' values), then a second plan that must be
    empty (`-detailed-exitcode`: 2 means changes), and destroy whatever
    happened before it."""
    tf(workdir, env, "init", timeout=timeout)
    try:
        tf(workdir, env, "apply", "-auto-approve", timeout=timeout)
        out = json.loads(tf(workdir, env, "output", "-json", timeout=timeout).stdout)
        yield {k: v["value"] for k, v in out.items()}
        tf(workdir, env, "plan", "-detailed-exitcode", timeout=timeout)
    finally:
        tf(workdir, env, "destroy", "-auto-approve", timeout=timeout)
