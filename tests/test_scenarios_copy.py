"""scenarios/ is an unedited copy of ../shared/scenarios (the source
article's setups), kept in the repository so CI runs them from any clone.
When ../shared is there, the two must be byte-for-byte the same: a change
upstream that was not copied fails here, loudly, instead of the suite
quietly testing an old version."""
import filecmp
import os

import pytest

from conftest import ROOT

SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "scenarios"))
COPY = os.path.join(ROOT, "scenarios")
# Left behind by a local `terraform init/apply`; never part of either tree.
IGNORED = (".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup")


def tree(base):
    """Every file under base, as paths relative to it."""
    out = set()
    for d, dirs, files in os.walk(base):
        dirs[:] = [x for x in dirs if x not in IGNORED]
        out |= {os.path.relpath(os.path.join(d, f), base) for f in files if f not in IGNORED}
    return out


@pytest.mark.skip_ok
@pytest.mark.skipif(not os.path.isdir(SHARED), reason="../shared/scenarios is not next to this clone")
def test_scenarios_copy_matches_shared():
    shared, copy = tree(SHARED), tree(COPY)
    assert shared - copy == set(), f"files in ../shared/scenarios missing from scenarios/: re-copy them"
    assert copy - shared == set(), f"files in scenarios/ that ../shared/scenarios no longer has"
    differ = sorted(f for f in shared if not filecmp.cmp(os.path.join(SHARED, f), os.path.join(COPY, f), shallow=False))
    assert differ == [], f"scenarios/ differs from ../shared/scenarios in {differ}: copy them again (cp -a ../shared/scenarios .)"


def test_tree_listing_sees_nested_files(tmp_path):
    """The comparison above is only as good as `tree`: it must see nested
    files and skip Terraform's leftovers."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.tf").write_text("x")
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "p").write_text("p")
    (tmp_path / "terraform.tfstate").write_text("{}")
    assert tree(str(tmp_path)) == {os.path.join("a", "b", "x.tf")}
