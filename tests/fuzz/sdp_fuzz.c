/*
 * Fuzz target: the SDP parser, then fmtp lookups on every format, then a
 * write/parse round trip of what was understood.  Properties: no crash,
 * no out-of-bounds read (ASan), slices inside the input (static payload
 * names excepted), caps respected, and the writer's output parses back to
 * the same payload types, encodings, clock rates and fmtp.
 */
#include "format/sdp.h"
#include "base/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_slice(struct sl_str s, const char *p, size_t len);
static bool copy_cstr(char *dst, size_t cap, struct sl_str s);
static void roundtrip(const struct sl_sdp *sdp);


static const char *const fmtp_keys[] = {
    "sprop-parameter-sets",
    "profile-level-id",
    "packetization-mode",
    "config",
    "sprop-vps",
    "sprop-sps",
    "sprop-pps",
    "mode",
    "sizelength",
};

static struct sl_sdp sdp;
static struct sl_sdp back;


static void
check_slice(struct sl_str s, const char *p, size_t len)
{
    if (s.len > 0 && (s.p < p || s.p + s.len > p + len)) {
        abort();
    }
}


static bool
copy_cstr(char *dst, size_t cap, struct sl_str s)
{
    if (s.len >= cap) {
        return false;
    }
    if (s.len > 0) {
        memcpy(dst, s.p, s.len);
    }
    dst[s.len] = '\0';
    return true;
}


/* Writes the first format of each RTP media section and parses it back. */
static void
roundtrip(const struct sl_sdp *in)
{
    static char                type[SL_SDP_MAX_MEDIA][32];
    static char                enc[SL_SDP_MAX_MEDIA][64];
    static char                fmtp[SL_SDP_MAX_MEDIA][1024];
    static char                control[SL_SDP_MAX_MEDIA][256];
    struct sl_sdp_writer_media w[SL_SDP_MAX_MEDIA];
    const struct sl_sdp_media *src[SL_SDP_MAX_MEDIA];
    struct sl_dbuf             b;
    size_t                     n = 0, i;

    memset(w, 0, sizeof(w));
    for (i = 0; i < in->nmedia; i++) {
        const struct sl_sdp_media  *m = &in->media[i];
        const struct sl_sdp_format *f = &m->formats[0];

        if (m->nformats == 0) {
            continue;
        }
        if (!copy_cstr(type[n], sizeof(type[n]), m->type)
            || !copy_cstr(enc[n], sizeof(enc[n]), f->encoding)
            || !copy_cstr(fmtp[n], sizeof(fmtp[n]), f->fmtp)
            || !copy_cstr(control[n], sizeof(control[n]), m->control))
        {
            return;
        }
        w[n].type = type[n];
        w[n].pt = f->pt;
        w[n].encoding = f->encoding.len > 0 ? enc[n] : NULL;
        w[n].clock_rate = f->clock_rate;
        w[n].channels = f->channels;
        w[n].fmtp = f->fmtp.p != NULL ? fmtp[n] : NULL;
        w[n].control = control[n];
        src[n] = m;
        n++;
    }
    sl_dbuf_init(&b, SL_SDP_MAX_LEN);
    if (sl_sdp_write(&b, "fuzz", w, n) != 0) {
        abort();
    }
    if (sl_sdp_parse((const char *)sl_dbuf_data(&b), b.len, &back) != 0
        || back.nmedia != n)
    {
        abort();
    }
    for (i = 0; i < n; i++) {
        const struct sl_sdp_format *a = &src[i]->formats[0];
        const struct sl_sdp_format *z = &back.media[i].formats[0];

        if (back.media[i].nformats != 1 || z->pt != a->pt
            || !sl_str_eq(z->encoding, a->encoding)
            || z->clock_rate != a->clock_rate || z->channels != a->channels
            || !sl_str_eq(z->fmtp, a->fmtp)
            || !sl_str_eq(back.media[i].control, src[i]->control))
        {
            abort();
        }
    }
    sl_dbuf_free(&b);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t      i, j, k;

    if (sl_sdp_parse(p, size, &sdp) != 0) {
        return 0;
    }
    if (sdp.nmedia > SL_SDP_MAX_MEDIA) {
        abort();
    }
    check_slice(sdp.session_name, p, size);
    check_slice(sdp.origin, p, size);
    check_slice(sdp.connection, p, size);
    check_slice(sdp.control, p, size);
    for (i = 0; i < sdp.nmedia; i++) {
        const struct sl_sdp_media *m = &sdp.media[i];

        if (m->nformats > SL_SDP_MAX_FORMATS) {
            abort();
        }
        check_slice(m->type, p, size);
        check_slice(m->proto, p, size);
        check_slice(m->control, p, size);
        check_slice(m->raw, p, size);
        for (j = 0; j < m->nformats; j++) {
            const struct sl_sdp_format *f = &m->formats[j];

            if (f->pt > 127) {
                abort();
            }
            check_slice(f->fmtp, p, size);
            for (k = 0; k < sizeof(fmtp_keys) / sizeof(fmtp_keys[0]); k++) {
                check_slice(sl_sdp_fmtp_get(f->fmtp, fmtp_keys[k]), p, size);
            }
        }
    }
    roundtrip(&sdp);
    return 0;
}
