/*
 * Fuzz target: RTP packetizers.  Byte 0 picks the codec (H.264, H.265,
 * AAC, Opus, G.711, generic, AV1, VP8, VP9), bytes 1-2 the max payload;
 * the rest is a sequence of AUs, each a 2-byte big-endian length and the
 * bytes.  Properties: no crash, no leak; every packet parses, carries at
 * most max_payload bytes, consecutive sequence numbers, the marker only on
 * the last packet (video); a failed call leaves the output and sequence
 * number alone; and where a depacketizer exists (H.264, H.265, AAC, Opus,
 * G.711, generic) or the payload format is trivial to undo (VP8, VP9), the
 * AUs come back byte for byte.  Otherwise abort().
 */
#include "base/bytes.h"
#include "codec/codec.h"
#include "proto/rtp/depack.h"
#include "proto/rtp/pack.h"
#include "proto/rtp/rtp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#define MAX_PARTS 512


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


struct check {
    const uint8_t *want;
    size_t         want_len;
    int            got;
};


static void on_au(void *ud, const struct sl_rtp_au *au);
static void check_mpa(const struct sl_rtp_pkt *pkts, int n, const uint8_t *au,
                      size_t len);


static const int codecs[] = {
    SL_CODEC_H264, SL_CODEC_H265, SL_CODEC_AAC, SL_CODEC_OPUS, SL_CODEC_G711,
    SL_CODEC_KLV,  SL_CODEC_AV1,  SL_CODEC_VP8, SL_CODEC_VP9,  SL_CODEC_MP3,
};

static uint32_t offs[MAX_PARTS];
static uint32_t lens[MAX_PARTS];


static void
on_au(void *ud, const struct sl_rtp_au *au)
{
    struct check *c = ud;

    if (au->len != c->want_len || memcmp(au->data, c->want, au->len) != 0) {
        abort();
    }
    c->got++;
}


static struct sl_rtp_depack *
make_depack(int codec)
{
    struct sl_rtp_format f;
    int                  rc;

    switch (codec) {
    case SL_CODEC_H264:
        rc = sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H264"), 90000, 0,
                                    sl_str_lit("packetization-mode=1"));
        break;
    case SL_CODEC_H265:
        rc = sl_rtp_format_from_sdp(&f, 96, sl_str_lit("H265"), 90000, 0,
                                    SL_STR_NULL);
        break;
    case SL_CODEC_AAC:
        rc = sl_rtp_format_from_sdp(
            &f, 96, sl_str_lit("mpeg4-generic"), 48000, 2,
            sl_str_lit("streamtype=5;profile-level-id=1;mode=AAC-hbr;"
                       "sizelength=13;indexlength=3;indexdeltalength=3;"
                       "config=1190"));
        break;
    case SL_CODEC_OPUS:
        rc = sl_rtp_format_from_sdp(&f, 96, sl_str_lit("opus"), 48000, 2,
                                    SL_STR_NULL);
        break;
    case SL_CODEC_G711:
        rc = sl_rtp_format_from_sdp(&f, 96, sl_str_lit("PCMA"), 8000, 1,
                                    SL_STR_NULL);
        break;
    case SL_CODEC_KLV:
        rc = sl_rtp_format_from_sdp(&f, 96, sl_str_lit("smpte336m"), 90000, 0,
                                    SL_STR_NULL);
        break;
    default:
        return NULL;
    }
    if (rc != 0) {
        abort();
    }
    return sl_rtp_depack_new(&f);
}


/* Undoes RFC 2250's MPEG audio header (zero bits, fragment offset) and
 * compares: the pieces must tile the frame in order. */
static void
check_mpa(const struct sl_rtp_pkt *pkts, int n, const uint8_t *au, size_t len)
{
    size_t off = 0;
    int    i;

    for (i = 0; i < n; i++) {
        const uint8_t *p = pkts[i].payload;
        size_t         piece;

        if (pkts[i].payload_len < 4 || p[0] != 0 || p[1] != 0
            || sl_rb16(p + 2) != off) {
            abort();
        }
        piece = pkts[i].payload_len - 4;
        if (piece > len - off || memcmp(p + 4, au + off, piece) != 0) {
            abort();
        }
        off += piece;
    }
    if (off != len) {
        abort();
    }
}


/* Undoes the VP8/VP9 payload descriptors and compares. */
static void
check_vpx(bool vp9, const struct sl_rtp_pkt *pkts, int n, const uint8_t *au,
          size_t len)
{
    size_t off = 0;
    int    i;

    for (i = 0; i < n; i++) {
        const uint8_t *p = pkts[i].payload;
        size_t         d = 1;

        if (vp9) {
            if (pkts[i].payload_len < 3) {
                abort();
            }
            d = (p[0] & 0x02) ? 8 : 3;
        }
        if (pkts[i].payload_len <= d || pkts[i].payload_len - d > len - off
            || memcmp(p + d, au + off, pkts[i].payload_len - d) != 0)
        {
            abort();
        }
        off += pkts[i].payload_len - d;
    }
    if (off != len) {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sl_rtp_pkt pkts[MAX_PARTS];
    struct sl_rtp_pack      *p;
    struct sl_rtp_depack    *d;
    struct sl_dbuf           out;
    size_t                   max_payload;
    size_t                   off = 3;
    uint32_t                 ts = 0;
    int                      codec;

    if (size < 3) {
        return 0;
    }
    codec = codecs[data[0] % (sizeof(codecs) / sizeof(codecs[0]))];
    max_payload = SL_RTP_PACK_MIN_PAYLOAD + sl_rb16(data + 1) % 1500;
    p = sl_rtp_pack_new(codec, 96, 90000, 0x1234, 65500, max_payload);
    d = make_depack(codec);
    sl_dbuf_init(&out, 1 << 20);
    while (size - off >= 2) {
        size_t       len = sl_rb16(data + off);
        uint16_t     seq = sl_rtp_pack_next_seq(p);
        struct check c;
        int          n;
        int          i;

        off += 2;
        if (len > size - off) {
            len = size - off;
        }
        sl_dbuf_reset(&out);
        sl_dbuf_add(&out, "x", 1);
        ts += 3000;
        n = sl_rtp_pack_au(p, data + off, len, ts, 0, &out, offs, lens,
                           MAX_PARTS);
        if (n <= 0) {
            if (out.len != 1 || sl_rtp_pack_next_seq(p) != seq) {
                abort();
            }
            off += len;
            continue;
        }
        for (i = 0; i < n; i++) {
            if (sl_rtp_parse(sl_dbuf_data(&out) + offs[i], lens[i], &pkts[i])
                    != 0
                || pkts[i].payload_len > max_payload
                || pkts[i].seq != (uint16_t)(seq + i) || pkts[i].ts != ts)
            {
                abort();
            }
            if (sl_codec_is_video(codec) && pkts[i].marker != (i == n - 1)) {
                abort();
            }
        }
        c = (struct check){.want = data + off, .want_len = len, .got = 0};
        if (d != NULL) {
            for (i = 0; i < n; i++) {
                (void)sl_rtp_depack_push(d, &pkts[i], on_au, &c);
            }
            if (c.got != 1) {
                abort();
            }
        } else if (codec == SL_CODEC_VP8 || codec == SL_CODEC_VP9) {
            check_vpx(codec == SL_CODEC_VP9, pkts, n, data + off, len);
        } else if (codec == SL_CODEC_MP3) {
            check_mpa(pkts, n, data + off, len);
        }
        off += len;
    }
    sl_dbuf_free(&out);
    sl_rtp_pack_free(&p);
    sl_rtp_depack_free(&d);
    return 0;
}
