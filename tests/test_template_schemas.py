"""The template engine's property tables are those of the pinned cfn-lint's
CloudFormation registry schemas (crates/template/gen/trim_schemas.py)."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_resource_schema_tables_are_fresh():
    r = subprocess.run(
        [sys.executable, str(ROOT / "crates/template/gen/trim_schemas.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
