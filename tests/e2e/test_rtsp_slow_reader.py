"""A reader that stops reading must be disconnected after writeTimeout,
and must not disturb a healthy reader of the same stream."""

import time

import pytest

import sluice_test as st

WRITE_TIMEOUT = 2.0
MARGIN = 5.0          # socket buffers still absorb data before the clock starts
HEALTHY_FRAMES = 300  # 12 s of the 5 Mbit/s clip


@pytest.mark.slow
def test_stalled_reader_is_dropped_healthy_reader_unaffected(sluice, logdir):
    srv = sluice({'writeTimeout': '2s'})
    p = st.publish_ffmpeg(srv.url('big'), st.clip('h264_4m.mp4'), 'tcp', logdir)
    st.wait_stream(srv.rtsp_port, 'big', publisher=p)

    healthy = st.FfmpegReader(srv.url('big'), 'tcp', HEALTHY_FRAMES, logdir,
                              'healthy')
    stalled = st.RtspClient(srv.rtsp_port, rcvbuf=4096, timeout=5)
    try:
        _, _, play = stalled.play_tcp(srv.url('big'))
        assert play.status == 200, play
        t_stall = time.monotonic()
        # From here on the stalled client never reads until the end.
        # wait_log's timeout is the deadline: a match means "in time".
        closed_in_log = False
        deadline = t_stall + WRITE_TIMEOUT + MARGIN
        tag = rf'\[conn 127\.0\.0\.1:{stalled.local_port}\][^\n]*\bclosed'
        try:
            srv.wait_log(tag, timeout=deadline - time.monotonic())
            closed_in_log = True
        except AssertionError:
            pass
        assert healthy.proc.alive() or healthy.count() >= HEALTHY_FRAMES, \
            f'healthy reader died:\n{healthy.proc.tail()}'
        closed, nbytes = stalled.drain_until_closed(timeout=5)
        assert closed_in_log or closed, (
            f'stalled reader still connected {WRITE_TIMEOUT + MARGIN:.0f}s after '
            f'it stopped reading (writeTimeout {WRITE_TIMEOUT:.0f}s); drained '
            f'{nbytes} bytes without EOF')
        assert closed, ('server logged the close but the socket got no EOF/RST '
                        f'({nbytes} bytes drained)')
    finally:
        stalled.close()

    got = healthy.finish(HEALTHY_FRAMES / st.FPS + 25)
    try:
        st.md5seq(st.clip_md5('h264_4m.mp4'), got, HEALTHY_FRAMES - 5)
    except AssertionError as e:
        raise AssertionError(f'healthy reader: {e}\n{got.log}') from None
    assert p.alive(), f'publisher died:\n{p.tail()}'
    assert srv.alive()
