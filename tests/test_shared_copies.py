"""scenarios/ and third_party/ are unedited copies of ../shared/scenarios
(the source article's setups) and ../shared/third_party (community Terraform
modules and run-example.sh), kept in the repository so CI runs them from any
clone. When ../shared is there, each pair must be byte-for-byte the same: a
change upstream that was not copied fails here, loudly, instead of the suite
quietly testing an old version."""
import filecmp
import os

import pytest

from conftest import ROOT

# The copies kept in the repository, by folder name (the same on both sides).
COPIES = ("scenarios", "third_party")
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
@pytest.mark.parametrize("name", COPIES)
def test_copy_matches_shared(name):
    shared_dir = os.path.normpath(os.path.join(ROOT, "..", "shared", name))
    if not os.path.isdir(shared_dir):
        pytest.skip(f"../shared/{name} is not next to this clone")
    copy_dir = os.path.join(ROOT, name)
    shared, copy = tree(shared_dir), tree(copy_dir)
    assert shared - copy == set(), f"files in ../shared/{name} missing from {name}/: re-copy them"
    assert copy - shared == set(), f"files in {name}/ that ../shared/{name} no longer has"
    differ = sorted(f for f in shared if not filecmp.cmp(os.path.join(shared_dir, f), os.path.join(copy_dir, f), shallow=False))
    assert differ == [], f"{name}/ differs from ../shared/{name} in {differ}: copy it again (rm -rf {name} && cp -a ../shared/{name} .)"


def test_tree_listing_sees_nested_files(tmp_path):
    """The comparison above is only as good as `tree`: it must see nested
    files and skip Terraform's leftovers."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.tf").write_text("x")
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "p").write_text("p")
    (tmp_path / "terraform.tfstate").write_text("{}")
    assert tree(str(tmp_path)) == {os.path.join("a", "b", "x.tf")}
