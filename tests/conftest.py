"""Fixtures: a lab of namespaces per test (torn down even on failure), a two-host veth pair, and per-run
directories for the program cache and xdp-load's records (never the machine's)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from hypothesis import settings
from netns import Lab, Veth

# CI (`.ci/run` sets CI=true) runs each property test on the same examples every time, with no example
# database: a red CI is then reproducible from the commit alone, and new examples are searched for on
# developers' runs, where a failure is saved and replayed until fixed.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    if os.geteuid() != 0:
        skip = pytest.mark.skip(reason="needs root: namespaces, veths and XDP programs")
        for item in items:
            if "lab" in getattr(item, "fixturenames", ()):
                item.add_marker(skip)


@contextlib.contextmanager
def _environ(name: str, value: str) -> Iterator[None]:
    """name=value in this process's environment (so in every subprocess) for the body, then as before."""
    saved = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            del os.environ[name]
        else:
            os.environ[name] = saved


@pytest.fixture(scope="session", autouse=True)
def bpf_cache_dir(tmp_path_factory):
    """One program cache for the run, never the machine's /var/cache/xdpdump: each program is
    compiled by bcc once per run and loaded from this cache afterwards (tests that need a cold or a
    broken cache use their own directory). Subprocesses inherit it."""
    path = tmp_path_factory.getbasetemp() / "bpf-cache"
    with _environ("XDPDUMP_CACHE_DIR", str(path)):
        yield path


@pytest.fixture(scope="session", autouse=True)
def xdp_load_state_dir(tmp_path_factory):
    """xdp-load's record of the pass programs redirect put on veth peers, for this run only: the
    namespaces those records name are the tests' own and gone by the end, so /run is left alone."""
    path = tmp_path_factory.getbasetemp() / "xdp-load-state"
    with _environ("XDP_LOAD_STATE_DIR", str(path)):
        yield path


@pytest.fixture
def lab():
    lab = Lab()
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def pair(lab) -> tuple[Veth, Veth]:
    """cap (198.18.0.1, where tools run) <-> peer (198.18.0.2, where traffic comes from)."""
    cap_ns, peer_ns = lab.netns(), lab.netns()
    return lab.veth(cap_ns, "xd0", peer_ns, "xd1")
