"""requirements.lock (the Docker image installs from it) pins every runtime dependency."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def locked() -> dict[str, list[str]]:
    pins: dict[str, list[str]] = {}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)",
                             (REPO / "requirements.lock").read_text(), re.MULTILINE):
        pins.setdefault(canonicalize_name(match.group(1)), []).append(match.group(2))
    return pins


def test_every_dependency_is_pinned_within_its_bounds_with_hashes():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = locked()
    for line in project["dependencies"]:
        requirement = Requirement(line)
        versions = pins.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not in requirements.lock"
        for version in versions:
            assert requirement.specifier.contains(version), (requirement, version)
    text = (REPO / "requirements.lock").read_text()
    assert text.count("==") <= text.count("--hash=sha256:")


def test_the_dockerfile_installs_from_the_lock_file():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "--require-hashes" in dockerfile
    assert "-r /tmp/newsdesk-src/requirements.lock" in dockerfile
    assert "pip install --no-cache-dir --no-deps /tmp/newsdesk-src" in dockerfile
