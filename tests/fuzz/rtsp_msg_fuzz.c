/*
 * Fuzz target: the RTSP message framer as a server sees a TCP stream.
 * The input is parsed in a loop, interleaved frames and messages mixed,
 * exactly as the connection reader will do it.  Properties: no crash, no
 * out-of-bounds read (ASan), every slice lies inside the input, every
 * consumed count is within the input, and a parsed response survives a
 * write/parse round trip with its status, CSeq and body.
 */
#include "proto/rtsp/message.h"
#include "base/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_slice(struct sl_str s, const uint8_t *p, size_t len);
static void roundtrip_response(const struct sl_rtsp_msg *m);


static struct sl_rtsp_msg msg;
static struct sl_rtsp_msg back;


static void
check_slice(struct sl_str s, const uint8_t *p, size_t len)
{
    const char *lo = (const char *)p;

    if (s.len == 0) {
        return;
    }
    if (s.p < lo || s.p + s.len > lo + len) {
        abort();
    }
}


static void
roundtrip_response(const struct sl_rtsp_msg *m)
{
    struct sl_dbuf b;
    struct sl_str  cseq = sl_rtsp_header_get(m, "CSeq");
    int            rc;

    sl_dbuf_init(&b, 4 * SL_RTSP_MAX_BODY);
    if (sl_rtsp_response_begin(&b, m->status, cseq, "fuzz") != 0
        || sl_rtsp_response_end(&b, m->body.p, m->body.len) != 0)
    {
        abort();
    }
    rc = sl_rtsp_parse(sl_dbuf_data(&b), b.len, &back);
    if (rc != (int)b.len || !back.is_response || back.status != m->status
        || !sl_str_eq(back.body, m->body)
        || (cseq.len > 0
            && !sl_str_eq(sl_rtsp_header_get(&back, "CSeq"), cseq)))
    {
        abort();
    }
    sl_dbuf_free(&b);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t        pos = 0, i;
    uint8_t       ch;
    struct sl_str payload;
    int           rc;

    while (pos < size) {
        const uint8_t *p = data + pos;
        size_t         n = size - pos;

        pos += sl_rtsp_skip_noise(p, n);
        if (pos == size) {
            break;
        }
        p = data + pos;
        n = size - pos;
        if (p[0] == '$') {
            rc = sl_rtsp_parse_interleaved(p, n, &ch, &payload);
            if (rc > 0) {
                check_slice(payload, p, n);
            }
        } else {
            rc = sl_rtsp_parse(p, n, &msg);
            if (rc > 0) {
                check_slice(msg.method, p, n);
                check_slice(msg.url, p, n);
                check_slice(msg.proto, p, n);
                check_slice(msg.reason, p, n);
                check_slice(msg.body, p, n);
                if (msg.nheaders > SL_RTSP_MAX_HEADERS) {
                    abort();
                }
                for (i = 0; i < msg.nheaders; i++) {
                    check_slice(msg.headers[i].name, p, n);
                    check_slice(msg.headers[i].value, p, n);
                    if (msg.headers[i].name.len > SL_RTSP_MAX_KEY
                        || msg.headers[i].value.len > SL_RTSP_MAX_VALUE)
                    {
                        abort();
                    }
                }
                (void)sl_rtsp_header_get(&msg, "Content-Length");
                if (msg.is_response) {
                    roundtrip_response(&msg);
                }
            }
        }
        if (rc <= 0) {
            break;
        }
        if ((size_t)rc > n) {
            abort();
        }
        pos += (size_t)rc;
    }
    return 0;
}
