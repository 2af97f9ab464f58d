"""RTSP authentication with internal users (Basic and Digest), MediaMTX
behaviour: no credentials -> 401 + WWW-Authenticate at once; wrong
credentials -> 401 after a pause of at most 4 s; right ones -> access."""

import time

import pytest

import sluice_test as st

USER, PASS = 'alice', 'Secr3t-pw'
MAX_FAIL_DELAY = 4.0   # MediaMTX waits a random 0-4 s before the 401
MARGIN = 2.5


def users_config(methods):
    return {
        'rtspAuthMethods': methods,
        'authInternalUsers': [{
            'user': USER,
            'pass': PASS,
            'ips': [],
            'permissions': [{'action': 'publish', 'path': ''},
                            {'action': 'read', 'path': ''}],
        }],
    }


def start_publisher(srv, logdir, path='secure'):
    p = st.publish_ffmpeg(srv.url(path, USER, PASS), st.clip('h264_aac.mp4'),
                          'tcp', logdir)
    return p


def test_basic_no_credentials_gets_401_with_challenge(sluice):
    srv = sluice(users_config(['basic']))
    t0 = time.monotonic()
    res = st.describe(srv.rtsp_port, 'secure')
    assert res.status == 401, res
    challenges = res.headers_named('WWW-Authenticate')
    assert any(c.startswith('Basic ') and 'realm=' in c for c in challenges), res
    assert time.monotonic() - t0 < 2.0, 'a request without credentials must be answered at once'


def test_basic_right_credentials_read(sluice, logdir):
    srv = sluice(users_config(['basic']))
    p = start_publisher(srv, logdir)
    st.wait_stream(srv.rtsp_port, 'secure', auth=st.basic_auth(USER, PASS),
                   publisher=p)
    got = st.reader_ffmpeg(srv.url('secure', USER, PASS), 'tcp', 75, logdir)
    st.md5seq(st.clip_md5('h264_aac.mp4'), got, 50)


def test_basic_wrong_credentials_401_after_delay(sluice, logdir):
    srv = sluice(users_config(['basic']))
    p = start_publisher(srv, logdir)
    st.wait_stream(srv.rtsp_port, 'secure', auth=st.basic_auth(USER, PASS),
                   publisher=p)
    t0 = time.monotonic()
    res = st.describe(srv.rtsp_port, 'secure',
                      auth=st.basic_auth(USER, 'wrong'),
                      timeout=MAX_FAIL_DELAY + MARGIN)
    dt = time.monotonic() - t0
    assert res.status == 401, res
    assert dt <= MAX_FAIL_DELAY + MARGIN, f'401 took {dt:.1f}s'
    # A real client with a wrong password fails as well.
    got = st.reader_ffmpeg(srv.url('secure', USER, 'wrong'), 'tcp', 10,
                           logdir, 'badreader', timeout=15)
    assert got.rc != 0 and len(got) == 0, f'read with a wrong password: {got.log}'
    assert srv.alive()


def test_basic_publish_without_credentials_refused(sluice, logdir):
    srv = sluice(users_config(['basic']))
    p = st.publish_ffmpeg(srv.url('secure'), st.clip('h264_aac.mp4'), 'tcp',
                          logdir, loop=False)
    rc = p.wait(15)
    assert rc is not None and rc != 0, \
        f'publisher without credentials was not refused:\n{p.tail()}'
    assert st.describe(srv.rtsp_port, 'secure',
                       auth=st.basic_auth(USER, PASS)).status == 404


def test_digest(sluice, logdir):
    srv = sluice(users_config(['digest']))
    res = st.describe(srv.rtsp_port, 'secure')
    assert res.status == 401, res
    digest = [c for c in res.headers_named('WWW-Authenticate')
              if c.startswith('Digest ')]
    assert digest, f'no Digest challenge: {res!r}'
    params = st.parse_auth_params(digest[0][len('Digest '):])
    assert params.get('realm') and params.get('nonce'), digest[0]

    # ffmpeg publishes and reads with Digest.
    p = start_publisher(srv, logdir)
    # Our own Digest response on a raw socket, with the server's nonce.
    deadline = time.monotonic() + 15
    while True:
        c = st.RtspClient(srv.rtsp_port)
        try:
            url = f'rtsp://{st.HOST}:{srv.rtsp_port}/secure'
            r = c.request('DESCRIBE', url)
            assert r.status == 401, r
            ch = [v for v in r.headers_named('WWW-Authenticate')
                  if v.startswith('Digest ')][0]
            pp = st.parse_auth_params(ch[len('Digest '):])
            c.auth = st.digest_auth(USER, PASS, pp['realm'], pp['nonce'])
            r = c.request('DESCRIBE', url, {'Accept': 'application/sdp'})
        finally:
            c.close()
        if r.status == 200 or time.monotonic() > deadline or not p.alive():
            break
        assert r.status == 404, f'Digest DESCRIBE with right credentials: {r!r}'
        time.sleep(0.3)
    assert r.status == 200, f'Digest DESCRIBE: {r!r}\npublisher:\n{p.tail()}'

    got = st.reader_ffmpeg(srv.url('secure', USER, PASS), 'tcp', 75, logdir)
    st.md5seq(st.clip_md5('h264_aac.mp4'), got, 50)

    # Basic is not accepted when only digest is enabled.
    t0 = time.monotonic()
    r = st.describe(srv.rtsp_port, 'secure', auth=st.basic_auth(USER, PASS),
                    timeout=MAX_FAIL_DELAY + MARGIN)
    assert r.status == 401, r
    assert time.monotonic() - t0 <= MAX_FAIL_DELAY + MARGIN
