"""Runs one of the shared scenario scripts (an AWS CLI script or
run-terraform.sh) as a user would, isolated from this machine's AWS
configuration: no profile, no credentials and no config file of the user's
leak in, so the script sees only the server it is given."""
import os
import subprocess


def run(cmd, tmp_path, timeout, **env_extra):
    """Runs `cmd`; returns (exit code, stdout + stderr)."""
    env = dict(os.environ, WAIT_TIMEOUT="60", AWS_PAGER="", TMPDIR=str(tmp_path))
    for k in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.pop(k, None)
    env["AWS_CONFIG_FILE"] = str(tmp_path / "config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "credentials")
    env.update(env_extra)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    return p.returncode, p.stdout + p.stderr
