"""Podman in a throwaway store, a cached Debian base image, and the image under test.

Everything podman keeps (images, containers, volumes, its run state) lives under one temporary
folder that the module fixture deletes at the end. Only the debootstrapped base rootfs is kept
between runs, as a tarball in a cache folder keyed by a hash of what went into it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
TOOLS = ("podman", "debootstrap", "runc")
SUITE = "bookworm"
MIRROR = os.environ.get("NEWSDESK_DEBIAN_MIRROR", "http://deb.debian.org/debian")
BASE_PACKAGES = ("python3", "python3-venv", "ca-certificates")
BASE_IMAGE = "localhost/bookworm-py:local"
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")
# What podman needs on this kernel and its limits: runc (crun fails on hybrid cgroups), cgroupfs.
GLOBAL_FLAGS = ("--runtime", "runc", "--cgroup-manager", "cgroupfs", "--events-backend", "file")
RUN_FLAGS = ("--network", "host",
             "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768")


def require_tools() -> None:
    """Skip (locally) or fail (in CI) when the container tools or root are missing."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    problem = ""
    if missing:
        problem = f"missing {', '.join(missing)} (install with: sudo bash .ci/docker-setup.sh)"
    elif os.geteuid() != 0:
        problem = "debootstrap and rootful podman need root"
    if not problem:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"container test cannot run in CI: {problem}", pytrace=False)
    pytest.skip(f"container test skipped: {problem}")


def cache_dir() -> Path:
    """Where the base rootfs tarball is kept between runs."""
    configured = os.environ.get("NEWSDESK_TEST_CACHE")
    if configured:
        return Path(configured)
    if os.geteuid() == 0:
        return Path("/var/cache/newsdesk-test-base")
    return Path(tempfile.gettempdir()) / "newsdesk-test-base"


def _mounts_under(folder: Path) -> list[str]:
    prefix = str(folder.resolve())
    points = []
    with open("/proc/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            point = line.split()[1].replace("\\040", " ")
            if point == prefix or point.startswith(prefix + "/"):
                points.append(point)
    return sorted(points, key=len, reverse=True)


def remove_tree(folder: Path) -> None:
    """Unmount anything left mounted under ``folder`` (deepest first), then delete it.

    debootstrap and podman mount /proc, /sys, /dev or shm inside their trees; deleting through a
    live mount would reach the host's files, so unmount first and never cross filesystems.
    """
    if not folder.exists():
        return
    for point in _mounts_under(folder):
        subprocess.run(["umount", "-l", point], check=False, capture_output=True)
    subprocess.run(["rm", "-rf", "--one-file-system", str(folder)], check=False)


def _run(args: Sequence[str], *, timeout: float, env: dict[str, str] | None = None,
         stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = subprocess.run(
        list(args), input=stdin.decode() if stdin is not None else None, capture_output=True,
        text=True, timeout=timeout, env=env, check=False,
    )
    log.info("%.1fs rc=%d %s", time.monotonic() - started, result.returncode, " ".join(args))
    return result


def _check(result: subprocess.CompletedProcess[str], what: str) -> subprocess.CompletedProcess[str]:
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode}):\n"
            f"--- stdout (tail) ---\n{result.stdout[-3000:]}\n"
            f"--- stderr (tail) ---\n{result.stderr[-3000:]}",
            pytrace=False,
        )
    return result


def _base_inputs() -> dict[str, object]:
    certs = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
             for path in sorted(HOST_CA_DIR.glob("*.crt"))}
    return {"recipe": 1, "suite": SUITE, "mirror": MIRROR, "packages": BASE_PACKAGES,
            "variant": "minbase", "certs": certs}


def base_rootfs_tarball(scratch: Path) -> Path:
    """The cached rootfs tarball of the test base, debootstrapping it on a cache miss.

    The host's extra CA certificates go into this test base (never into the Dockerfile) so pip
    inside the build trusts what the host trusts.
    """
    inputs = _base_inputs()
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tarball = folder / f"{SUITE}-py-{key}.tar"
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if tarball.exists():
            return tarball
        rootfs = scratch / "rootfs"
        try:
            _check(_run(["debootstrap", "--variant=minbase",
                         f"--include={','.join(BASE_PACKAGES)}", SUITE, str(rootfs), MIRROR],
                        timeout=900), "debootstrap")
            certs = rootfs / "usr/local/share/ca-certificates"
            certs.mkdir(parents=True, exist_ok=True)
            for cert in HOST_CA_DIR.glob("*.crt"):
                shutil.copy(cert, certs / cert.name)
            _check(_run(["chroot", str(rootfs), "update-ca-certificates"], timeout=120),
                   "update-ca-certificates in the base rootfs")
            for junk in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc",
                         "usr/share/man", "usr/share/locale"):
                remove_tree(rootfs / junk)
            partial = tarball.with_suffix(".partial")
            _check(_run(["tar", "--numeric-owner", "-C", str(rootfs), "-cf", str(partial), "."],
                        timeout=300), "tar of the base rootfs")
            for old in folder.glob(f"{SUITE}-py-*.tar"):
                old.unlink()
            partial.rename(tarball)
        finally:
            remove_tree(rootfs)
    return tarball


def storage_driver(scratch: Path) -> str:
    """``overlay`` where the kernel mounts it in ``scratch`` (8x faster runs), else ``vfs``.

    vfs copies the whole image for every layer and container, so each ``podman run`` of this
    image costs seconds of disk writes; ``NEWSDESK_TEST_STORAGE_DRIVER`` forces a choice.
    """
    forced = os.environ.get("NEWSDESK_TEST_STORAGE_DRIVER")
    if forced:
        return forced
    probe = scratch / "overlay-probe"
    for sub in ("lower", "upper", "work", "merged"):
        (probe / sub).mkdir(parents=True)
    options = f"lowerdir={probe}/lower,upperdir={probe}/upper,workdir={probe}/work"
    mounted = subprocess.run(["mount", "-t", "overlay", "overlay", "-o", options,
                              str(probe / "merged")], capture_output=True, check=False)
    if mounted.returncode == 0:
        subprocess.run(["umount", str(probe / "merged")], capture_output=True, check=False)
    remove_tree(probe)
    return "overlay" if mounted.returncode == 0 else "vfs"


@dataclass
class Podman:
    """Rootful podman confined to one storage folder, with the flags this machine needs."""

    home: Path
    driver: str = "vfs"
    base_image: str = BASE_IMAGE
    run_flags: tuple[str, ...] = RUN_FLAGS

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "TMPDIR": str(self.home / "tmp")}

    def command(self, *args: str) -> list[str]:
        return ["podman", "--root", str(self.home / "storage"),
                "--runroot", str(self.home / "run"), "--tmpdir", str(self.home / "libpod"),
                "--storage-driver", self.driver, *GLOBAL_FLAGS, *args]

    def __call__(self, *args: str, timeout: float = 120, check: bool = True,
                 stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
        result = _run(self.command(*args), timeout=timeout, env=self.env, stdin=stdin)
        return _check(result, f"podman {args[0]}") if check else result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """Start a podman command in the background (output to pipes)."""
        return subprocess.Popen(self.command(*args), env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def run(self, *args: str, timeout: float = 120,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        """``podman run --rm`` with the flags the kernel needs."""
        return self("run", "--rm", *self.run_flags, *args, timeout=timeout, check=check)

    def cleanup(self) -> None:
        """Remove every container, volume and image, then the whole storage folder."""
        for args in (("rm", "--all", "--force", "--time", "0"), ("volume", "rm", "--all",
                     "--force"), ("rmi", "--all", "--force")):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self(*args, timeout=60, check=False)
        remove_tree(self.home)


@pytest.fixture(scope="module")
def podman() -> Iterator[Podman]:
    """A podman whose images, containers and volumes all go when the module ends."""
    require_tools()
    home = Path(tempfile.mkdtemp(prefix="newsdesk-podman-"))
    for sub in ("storage", "run", "tmp", "libpod"):
        (home / sub).mkdir()
    engine = Podman(home, storage_driver(home / "tmp"))
    log.info("podman storage in %s with the %s driver", home, engine.driver)
    try:
        yield engine
    finally:
        engine.cleanup()


@pytest.fixture(scope="module")
def base_image(podman: Podman) -> str:
    """``localhost/bookworm-py:local``: Debian bookworm with python3 and venv, from the mirror."""
    tarball = base_rootfs_tarball(podman.home / "tmp")
    podman("import", str(tarball), BASE_IMAGE, timeout=300)
    return BASE_IMAGE


@pytest.fixture(scope="module")
def image(podman: Podman, base_image: str) -> str:
    """The project's image, built from its Dockerfile on the local base."""
    tag = "localhost/newsdesk:test"
    podman("build", "--network", "host", "--layers=false", "--pull=never", "--format", "docker",
           "--build-arg", f"BASE_IMAGE={base_image}", "--tag", tag,
           "--file", str(REPO / "Dockerfile"), str(REPO), timeout=1200)
    return tag
