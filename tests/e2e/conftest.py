"""pytest fixtures for Sluice's end-to-end suite.

  media   (session) test clips + source checksums in tests/e2e/.media/
  sluice  (function) factory: sluice(overrides) -> a running Sluice
  logdir  (function) per-test directory for client logs and captures

Run: SLUICE_BIN=$PWD/build/sluice /usr/bin/pytest -q tests/e2e
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sluice_test as st  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'slow: long test; skipped only when SLUICE_E2E_QUICK=1')


def pytest_collection_modifyitems(config, items):
    if os.environ.get('SLUICE_E2E_QUICK') != '1':
        return
    skip = pytest.mark.skip(reason='slow test skipped (SLUICE_E2E_QUICK=1)')
    for item in items:
        if 'slow' in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope='session')
def tools():
    for t in ('ffmpeg', 'ffprobe', 'gst-launch-1.0', 'timeout'):
        st.require_tool(t)


@pytest.fixture(scope='session')
def media(tools):
    """Generates the clips once (the script skips work when up to date)."""
    r = subprocess.run(['sh', str(st.GEN_MEDIA), str(st.MEDIA_DIR)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300)
    if r.returncode != 0:
        pytest.fail('tests/media/gen_media.sh failed:\n'
                    + r.stdout.decode(errors='replace')[-3000:])
    return st.MEDIA_DIR


@pytest.fixture(scope='session')
def sluice_bin():
    b = os.environ.get('SLUICE_BIN') or str(st.ROOT / 'build' / 'sluice')
    if not os.access(b, os.X_OK):
        pytest.fail(f'Sluice binary not found at {b} (set SLUICE_BIN or run make)')
    return b


@pytest.fixture
def logdir(tmp_path):
    return tmp_path


@pytest.fixture
def sluice(sluice_bin, media, tmp_path):
    """Factory: sluice({...overrides}) starts a server and returns it.
    At teardown every server is stopped with SIGINT and must exit 0 within
    the grace period, with no sanitizer report (unless the test set
    srv.expect_clean_exit = False)."""
    servers = []

    def start(overrides=None, name=None):
        srv = st.Sluice(sluice_bin, tmp_path,
                        overrides, name=name or f'sluice{len(servers)}')
        servers.append(srv)
        return srv

    yield start
    # Clients first, so the server's exit is not racing their teardown.
    st.stop_all_procs(include_servers=False)
    problems = []
    for srv in servers:
        rc, clean = srv.stop()
        try:
            srv.check_exit(rc, clean)
        except AssertionError as e:
            problems.append(str(e))
    if problems:
        pytest.fail('\n\n'.join(problems))


@pytest.fixture(autouse=True)
def _stop_leftover_procs():
    yield
    st.stop_all_procs()
