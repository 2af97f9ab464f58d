/* Sluice: MPEG-TS demuxer (sync, PAT/PMT, PES reassembly, codec framing). */
#include "format/mpegts_demux.h"
#include "base/alloc.h"
#include "base/bits.h"
#include "base/bytes.h"
#include "base/dbuf.h"
#include "base/err.h"
#include "codec/h264.h"
#include "codec/h265.h"
#include "codec/opus.h"
#include "format/mpegts.h"
#include "format/mpegts_demux_priv.h"

#include <stdint.h>
#include <string.h>


#define PKT SL_TS_PACKET_SIZE
/* Bytes kept while looking for sync: a candidate and the packet after it. */
#define STAGE_CAP (2 * PKT)
/* A PAT or PMT section is at most 3 + 1021 bytes (2.4.4.3, 2.4.4.8). */
#define PSI_MAX 1024
/*
 * The longest audio frame that can be cut by a PES boundary and carried to
 * the next PES: a LOAS frame (3 + 8191); ADTS frames are at most 8191,
 * AC-3 3840 and MPEG audio 2881 bytes.
 */
#define CARRY_MAX (3 + 8191)
/* An unwrapped timestamp this far from zero restarts the timeline. */
#define TS_FAR ((int64_t)1 << 62)
/* Samples counted from one audio PTS before the base is moved forward. */
#define ACC_MAX ((uint64_t)1 << 40)


struct cc_state {
    bool    known;
    bool    dup; /* the last packet was already a duplicate */
    uint8_t cc;
};

struct psi {
    struct cc_state cc;
    bool            active; /* a section is being collected */
    size_t          len;
    uint8_t         buf[PSI_MAX];
};


struct es {
    uint16_t        pid;
    uint8_t         stream_type;
    enum kind       kind;
    struct cc_state cc;
    /* [carried partial audio frame][PES bytes as received] */
    struct sl_dbuf buf;
    size_t         carry;
    bool           active;  /* a PES is being collected */
    bool           discont; /* data lost: flag the next frame */
    /* Audio timeline: the next frame is at base + acc * 90000 / rate. */
    bool        run;
    int64_t     run_base;
    uint64_t    run_acc;
    uint32_t    run_rate;
    bool        untimed; /* this PES had frames but no timeline */
    struct latm latm;
};

struct sl_ts_demux {
    struct sl_ts_demux_cb    cb;
    struct sl_ts_demux_stats st;
    /* Sync. */
    bool    locked;
    bool    skipped; /* bytes were discarded since sync was lost */
    size_t  stage_len;
    uint8_t stage[STAGE_CAP];
    /* PSI. */
    struct psi pat;
    struct psi pmt;
    bool       have_program;
    uint16_t   program;
    uint16_t   pmt_pid;
    bool       have_pmt;
    uint8_t    pmt_version;
    uint32_t   pmt_crc;
    /* Tracks: tracks[i] describes es[i]. */
    int                n;
    struct sl_ts_track tracks[SL_TS_DEMUX_MAX_TRACKS];
    struct es          es[SL_TS_DEMUX_MAX_TRACKS];
    size_t             mem; /* sum of the PES buffers' allocations */
    /* One timeline for all tracks. */
    bool    ts_known;
    int64_t ts_last;
    /* AVCC access units, LATM AUs, KLV cells. */
    struct sl_dbuf out;
};

/* A parsed PES header; offsets are relative to the PES start. */
struct pes {
    uint8_t  sid;
    size_t   off; /* payload */
    size_t   len;
    bool     has_pts;
    bool     has_dts;
    uint64_t pts; /* 33 bits */
    uint64_t dts;
};


/* A track found in a PMT. */
struct pmt_entry {
    uint16_t  pid;
    uint8_t   stream_type;
    enum kind kind;
    int       opus_channels;
};


static int    sync_search(struct sl_ts_demux *d);
static int    packet(struct sl_ts_demux *d, const uint8_t *pkt);
static int    find_es(const struct sl_ts_demux *d, unsigned pid);
static bool   cc_check(struct cc_state *cs, unsigned cc, bool *dup);
static void   psi_packet(struct sl_ts_demux *d, struct psi *s, bool pusi,
                         const uint8_t *p, size_t n);
static size_t psi_add(struct sl_ts_demux *d, struct psi *s, const uint8_t *p,
                      size_t n);
static void   section(struct sl_ts_demux *d, struct psi *s);
static void   pat(struct sl_ts_demux *d, const uint8_t *b, size_t len);
static void   pmt(struct sl_ts_demux *d, const uint8_t *b, size_t len);
static void pmt_apply(struct sl_ts_demux *d, const struct pmt_entry *t, int n);
static void notify(struct sl_ts_demux *d);
static size_t pes_cap(enum kind k);
static int pes_packet(struct sl_ts_demux *d, int i, bool pusi, const uint8_t *p,
                      size_t n);
static bool    pes_append(struct sl_ts_demux *d, struct es *e, const uint8_t *p,
                          size_t n);
static void    pes_drop(struct sl_ts_demux *d, struct es *e);
static void    unit_lost(struct sl_ts_demux *d, struct es *e);
static int     pes_end(struct sl_ts_demux *d, int i);
static int     pes_parse(const uint8_t *p, size_t len, struct pes *h);
static bool    read_ts(const uint8_t *p, uint64_t *ts);
static int64_t unwrap(struct sl_ts_demux *d, uint64_t raw);
static int64_t ts_diff(uint64_t a, uint64_t b);
static int     emit(struct sl_ts_demux *d, int i, int64_t pts, int64_t dts,
                    bool key, const uint8_t *p, size_t len);
static int     video_pes(struct sl_ts_demux *d, int i, const struct pes *h,
                         const uint8_t *p);
static int     klv_pes(struct sl_ts_demux *d, int i, const struct pes *h,
                       const uint8_t *p);
static int     opus_pes(struct sl_ts_demux *d, int i, const struct pes *h,
                        const uint8_t *p);
static int     audio_pes(struct sl_ts_demux *d, int i, const struct pes *h);
static void    audio_start(struct sl_ts_demux *d, struct es *e,
                           const struct pes *h);
static int     audio_emit(struct sl_ts_demux *d, int i, uint32_t rate,
                          uint32_t samples, const uint8_t *p, size_t n);
static void    audio_params(struct sl_ts_demux *d, int i, uint32_t rate,
                            int channels, const struct sl_aac_config *aac);
static bool    aac_equal(const struct sl_aac_config *a,
                         const struct sl_aac_config *b);
static int     latm_element(struct sl_ts_demux *d, int i, const uint8_t *p,
                            size_t len);


struct sl_ts_demux *
sl_ts_demux_new(const struct sl_ts_demux_cb *cb)
{
    struct sl_ts_demux *d = sl_calloc(1, sizeof(*d));

    if (cb != NULL) {
        d->cb = *cb;
    }
    sl_dbuf_init(&d->out, SL_NALU_MAX_AU_SIZE);
    return d;
}


void
sl_ts_demux_free(struct sl_ts_demux **dp)
{
    struct sl_ts_demux *d = *dp;

    if (d == NULL) {
        return;
    }
    for (int i = 0; i < d->n; i++) {
        sl_dbuf_free(&d->es[i].buf);
    }
    sl_dbuf_free(&d->out);
    sl_free(d);
    *dp = NULL;
}


const struct sl_ts_demux_stats *
sl_ts_demux_stats(const struct sl_ts_demux *d)
{
    return &d->st;
}


int
sl_ts_demux_feed(struct sl_ts_demux *d, const uint8_t *p, size_t len)
{
    int rc;

    while (len > 0) {
        size_t take;

        if (!d->locked) {
            take = STAGE_CAP - d->stage_len;
            take = take < len ? take : len;
            memcpy(d->stage + d->stage_len, p, take);
            d->stage_len += take;
            p += take;
            len -= take;
            rc = sync_search(d);
            if (rc < 0) {
                return rc;
            }
            continue;
        }
        if (d->stage_len > 0) {
            /* Complete the packet begun by an earlier chunk. */
            take = PKT - d->stage_len;
            take = take < len ? take : len;
            memcpy(d->stage + d->stage_len, p, take);
            d->stage_len += take;
            p += take;
            len -= take;
            if (d->stage_len < PKT) {
                return 0;
            }
            d->stage_len = 0;
            rc = packet(d, d->stage);
            if (rc < 0) {
                return rc;
            }
            continue;
        }
        if (p[0] != SL_TS_SYNC) {
            d->locked = false;
            continue;
        }
        if (len < PKT) {
            memcpy(d->stage, p, len);
            d->stage_len = len;
            return 0;
        }
        rc = packet(d, p);
        if (rc < 0) {
            return rc;
        }
        p += PKT;
        len -= PKT;
    }
    return 0;
}


/*
 * Looks for a sync byte followed by another one a packet later in the
 * stage.  On success the packet is processed and what follows it stays in
 * the stage as the start of the next packet; otherwise the bytes that
 * cannot start a packet are dropped.
 */
static int
sync_search(struct sl_ts_demux *d)
{
    size_t i;
    size_t rest;
    int    rc;

    for (i = 0; i < d->stage_len; i++) {
        if (d->stage[i] != SL_TS_SYNC) {
            continue;
        }
        if (i + PKT >= d->stage_len) {
            break; /* undecided until more bytes come */
        }
        if (d->stage[i + PKT] == SL_TS_SYNC) {
            if (i > 0 || d->skipped) {
                d->st.resyncs++;
            }
            d->skipped = false;
            d->locked = true;
            rc = packet(d, d->stage + i);
            rest = d->stage_len - i - PKT;
            memmove(d->stage, d->stage + i + PKT, rest);
            d->stage_len = rest;
            if (rc == 0 && rest == PKT) {
                /* A full stage locked at 0 holds the next packet whole:
                 * take it now, the input may end here. */
                d->stage_len = 0;
                rc = packet(d, d->stage);
            }
            return rc;
        }
    }
    if (i > 0) {
        d->skipped = true;
        memmove(d->stage, d->stage + i, d->stage_len - i);
        d->stage_len -= i;
    }
    return 0;
}


int
sl_ts_demux_flush(struct sl_ts_demux *d)
{
    int rc = 0;

    /* A last packet too close to the end to confirm sync is taken. */
    if (!d->locked && d->stage_len >= PKT && d->stage[0] == SL_TS_SYNC) {
        if (d->skipped) {
            d->st.resyncs++;
        }
        rc = packet(d, d->stage);
    }
    d->locked = false;
    d->skipped = false;
    d->stage_len = 0;
    d->pat.active = false;
    d->pmt.active = false;
    for (int i = 0; i < d->n && rc >= 0; i++) {
        struct es *e = &d->es[i];

        if (e->active) {
            rc = pes_end(d, i);
        }
    }
    for (int i = 0; i < d->n; i++) {
        struct es *e = &d->es[i];

        e->active = false;
        e->carry = 0;
        e->buf.len = 0;
    }
    return rc < 0 ? rc : 0;
}


static int
packet(struct sl_ts_demux *d, const uint8_t *pkt)
{
    unsigned         pid = ((unsigned)(pkt[1] & 0x1f) << 8) | pkt[2];
    bool             pusi = (pkt[1] & 0x40) != 0;
    unsigned         afc = (pkt[3] >> 4) & 0x03;
    size_t           off = 4;
    struct psi      *s = NULL;
    struct cc_state *cs;
    int              i = -1;
    bool             dup;

    d->st.packets++;
    if (pid == SL_TS_PID_NULL || afc == 0) {
        return 0;
    }
    if (pid == SL_TS_PID_PAT) {
        s = &d->pat;
    } else if (d->have_program && pid == d->pmt_pid) {
        s = &d->pmt;
    } else {
        i = find_es(d, pid);
        if (i < 0) {
            return 0;
        }
    }
    cs = s != NULL ? &s->cc : &d->es[i].cc;
    if (afc & 0x02) {
        size_t afl = pkt[4];

        if (afl > PKT - 5) {
            /* Impossible: treated as a lost packet (the next CC tells). */
            return 0;
        }
        if (afl > 0 && (pkt[5] & 0x80)) {
            cs->known = false; /* discontinuity_indicator */
        }
        off = 5 + afl;
    }
    if ((afc & 0x01) == 0) {
        return 0; /* no payload: the CC does not advance */
    }
    if (!cc_check(cs, pkt[3] & 0x0f, &dup)) {
        d->st.cc_errors++;
        if (s != NULL) {
            s->active = false;
        } else {
            pes_drop(d, &d->es[i]);
        }
    }
    if (dup) {
        return 0;
    }
    if ((pkt[3] & 0xc0) != 0) {
        /* Scrambled: the payload is lost to us. */
        if (s == NULL) {
            pes_drop(d, &d->es[i]);
        }
        return 0;
    }
    if (s != NULL) {
        psi_packet(d, s, pusi, pkt + off, PKT - off);
        return 0;
    }
    return pes_packet(d, i, pusi, pkt + off, PKT - off);
}


static int
find_es(const struct sl_ts_demux *d, unsigned pid)
{
    for (int i = 0; i < d->n; i++) {
        if (d->es[i].pid == pid) {
            return i;
        }
    }
    return -1;
}


/*
 * Checks a payload packet's continuity counter.  Returns false on a jump.
 * *dup is set for the one repetition of a packet that 2.4.3.3 allows.
 */
static bool
cc_check(struct cc_state *cs, unsigned cc, bool *dup)
{
    bool ok = true;

    *dup = false;
    if (cs->known) {
        if (cc == cs->cc) {
            if (!cs->dup) {
                cs->dup = true;
                *dup = true;
                return true;
            }
            ok = false;
        } else if (cc != ((cs->cc + 1u) & 0x0f)) {
            ok = false;
        }
    }
    cs->known = true;
    cs->cc = (uint8_t)cc;
    cs->dup = false;
    return ok;
}


static void
psi_packet(struct sl_ts_demux *d, struct psi *s, bool pusi, const uint8_t *p,
           size_t n)
{
    size_t ptr;

    if (!pusi) {
        if (s->active) {
            psi_add(d, s, p, n);
        }
        return;
    }
    if (n < 1) {
        s->active = false;
        return;
    }
    ptr = p[0];
    p++;
    n--;
    if (ptr > n) {
        d->st.psi_errors++;
        s->active = false;
        return;
    }
    if (s->active) {
        /* The bytes before the pointer end the previous section. */
        psi_add(d, s, p, ptr);
        if (s->active) {
            d->st.psi_errors++;
            s->active = false;
        }
    }
    p += ptr;
    n -= ptr;
    while (n > 0 && p[0] != 0xff) {
        size_t used;

        s->active = true;
        s->len = 0;
        used = psi_add(d, s, p, n);
        if (s->active) {
            break; /* continues in the next packet */
        }
        p += used;
        n -= used;
    }
}


/* Adds bytes to the section being collected; returns how many it took. */
static size_t
psi_add(struct sl_ts_demux *d, struct psi *s, const uint8_t *p, size_t n)
{
    size_t used = 0;

    while (used < n && s->active) {
        size_t total = 3;
        size_t take;

        if (s->len >= 3) {
            total = 3 + (((size_t)(s->buf[1] & 0x0f) << 8) | s->buf[2]);
        }
        take = total - s->len;
        take = take < n - used ? take : n - used;
        memcpy(s->buf + s->len, p + used, take);
        s->len += take;
        used += take;
        if (s->len == 3) {
            size_t sl = ((size_t)(s->buf[1] & 0x0f) << 8) | s->buf[2];

            if (3 + sl > PSI_MAX || sl < 5 + 4) {
                d->st.psi_errors++;
                s->active = false;
                return n;
            }
        }
        if (s->len > 3 && s->len == total) {
            s->active = false;
            section(d, s);
        }
    }
    return used;
}


static void
section(struct sl_ts_demux *d, struct psi *s)
{
    const uint8_t *b = s->buf;
    size_t         len = s->len;

    if (len < 3 + 5 + 4 || (b[1] & 0x80) == 0) {
        d->st.psi_errors++;
        return;
    }
    if (sl_ts_crc32(b, len) != 0) {
        d->st.crc_errors++;
        return;
    }
    if ((b[5] & 0x01) == 0) {
        return; /* current_next_indicator: not applicable yet */
    }
    if (s == &d->pat && b[0] == 0x00) {
        pat(d, b, len);
    } else if (s == &d->pmt && b[0] == 0x02) {
        pmt(d, b, len);
    }
}


static void
pat(struct sl_ts_demux *d, const uint8_t *b, size_t len)
{
    size_t end = len - 4;

    if (b[6] != 0 && d->have_program) {
        return; /* the first program comes from section 0 */
    }
    for (size_t o = 8; o + 4 <= end; o += 4) {
        uint16_t prog = sl_rb16(b + o);
        uint16_t pid = sl_rb16(b + o + 2) & SL_TS_PID_MAX;

        if (prog == 0) {
            continue; /* network PID */
        }
        if (pid == SL_TS_PID_PAT || pid == SL_TS_PID_NULL) {
            d->st.psi_errors++;
            return;
        }
        if (!d->have_program || prog != d->program || pid != d->pmt_pid) {
            d->have_program = true;
            d->program = prog;
            d->pmt_pid = pid;
            d->have_pmt = false;
            memset(&d->pmt, 0, sizeof(d->pmt));
        }
        return;
    }
}


static void
pmt(struct sl_ts_demux *d, const uint8_t *b, size_t len)
{
    struct pmt_entry t[SL_TS_DEMUX_MAX_TRACKS];
    int              n = 0;
    size_t           end = len - 4;
    size_t           o;
    uint8_t          version = (b[5] >> 1) & 0x1f;
    uint32_t         crc = sl_rb32(b + end);

    if (sl_rb16(b + 3) != d->program) {
        return;
    }
    if (d->have_pmt && version == d->pmt_version && crc == d->pmt_crc) {
        return; /* a repetition */
    }
    if (len < 12 + 4) {
        d->st.psi_errors++;
        return;
    }
    o = 12 + (sl_rb16(b + 10) & 0x0fff);
    if (o > end) {
        d->st.psi_errors++;
        return;
    }
    while (o + 5 <= end) {
        uint8_t  st = b[o];
        uint16_t pid = sl_rb16(b + o + 1) & SL_TS_PID_MAX;
        size_t   il = sl_rb16(b + o + 3) & 0x0fff;
        int      kind;
        int      ch = 0;
        bool     dup = false;

        o += 5;
        if (il > end - o) {
            d->st.psi_errors++;
            return;
        }
        kind = sl_ts_classify(st, b + o, il, &ch);
        o += il;
        for (int j = 0; j < n; j++) {
            dup = dup || t[j].pid == pid;
        }
        if (kind < 0 || dup || n == SL_TS_DEMUX_MAX_TRACKS
            || pid == SL_TS_PID_PAT || pid == SL_TS_PID_NULL
            || pid == d->pmt_pid)
        {
            continue;
        }
        t[n].pid = pid;
        t[n].stream_type = st;
        t[n].kind = (enum kind)kind;
        t[n].opus_channels = ch;
        n++;
    }
    d->have_pmt = true;
    d->pmt_version = version;
    d->pmt_crc = crc;
    pmt_apply(d, t, n);
}


/*
 * Installs a new track list.  A PID with the same stream type as before
 * keeps its state (reassembly, CC, learned parameters); the others start
 * afresh, and the buffers of vanished PIDs are freed.
 */
static void
pmt_apply(struct sl_ts_demux *d, const struct pmt_entry *t, int n)
{
    struct es          old[SL_TS_DEMUX_MAX_TRACKS];
    struct sl_ts_track old_t[SL_TS_DEMUX_MAX_TRACKS];
    bool               kept[SL_TS_DEMUX_MAX_TRACKS] = {false};
    int                on = d->n;

    memcpy(old, d->es, sizeof(old));
    memcpy(old_t, d->tracks, sizeof(old_t));
    for (int j = 0; j < n; j++) {
        struct es          *e = &d->es[j];
        struct sl_ts_track *tr = &d->tracks[j];
        int                 k;

        for (k = 0; k < on; k++) {
            if (!kept[k] && old[k].pid == t[j].pid
                && old[k].stream_type == t[j].stream_type
                && old[k].kind == t[j].kind)
            {
                break;
            }
        }
        if (k < on) {
            kept[k] = true;
            *e = old[k];
            *tr = old_t[k];
        } else {
            memset(e, 0, sizeof(*e));
            memset(tr, 0, sizeof(*tr));
            e->pid = t[j].pid;
            e->stream_type = t[j].stream_type;
            e->kind = t[j].kind;
            sl_dbuf_init(&e->buf, pes_cap(e->kind));
            tr->pid = t[j].pid;
            tr->stream_type = t[j].stream_type;
            tr->codec = sl_ts_codec_of(t[j].kind);
        }
        if (t[j].kind == K_OPUS) {
            tr->opus_channels = t[j].opus_channels;
            tr->sample_rate = 48000;
            tr->channels = t[j].opus_channels;
        }
    }
    for (int k = 0; k < on; k++) {
        if (!kept[k]) {
            d->mem -= old[k].buf.alloc;
            sl_dbuf_free(&old[k].buf);
        }
    }
    d->n = n;
    notify(d);
}


static void
notify(struct sl_ts_demux *d)
{
    if (d->cb.tracks != NULL) {
        d->cb.tracks(d->cb.ud, d->tracks, d->n);
    }
}


static size_t
pes_cap(enum kind k)
{
    if (k == K_H264 || k == K_H265) {
        return SL_TS_DEMUX_VIDEO_PES_MAX;
    }
    return SL_TS_DEMUX_PES_MAX + CARRY_MAX;
}


static int
pes_packet(struct sl_ts_demux *d, int i, bool pusi, const uint8_t *p, size_t n)
{
    struct es     *e = &d->es[i];
    const uint8_t *b;
    size_t         len;
    int            rc;

    if (pusi) {
        if (e->active) {
            /* The next unit start ends an unbounded (or short) PES. */
            rc = pes_end(d, i);
            if (rc < 0) {
                return rc;
            }
        }
        e->active = true;
        e->buf.len = e->carry;
    } else if (!e->active) {
        return 0;
    }
    if (!pes_append(d, e, p, n)) {
        return 0;
    }
    len = e->buf.len - e->carry;
    if (len < 3) {
        return 0;
    }
    b = sl_dbuf_data(&e->buf) + e->carry;
    if (b[0] != 0 || b[1] != 0 || b[2] != 1) {
        pes_drop(d, e);
        return 0;
    }
    if (len >= 6 && sl_rb16(b + 4) != 0 && len >= 6 + (size_t)sl_rb16(b + 4)) {
        return pes_end(d, i);
    }
    return 0;
}


/* Appends to the PES in progress; false when it was dropped instead. */
static bool
pes_append(struct sl_ts_demux *d, struct es *e, const uint8_t *p, size_t n)
{
    size_t need = e->buf.len + n;
    size_t old = e->buf.alloc;

    if (n == 0) {
        return true;
    }
    if (need > e->buf.cap) {
        pes_drop(d, e);
        return false;
    }
    if (need > old) {
        /* What sl_dbuf may grow to, checked against the budget first. */
        size_t grow = need < 128 ? 256 : 2 * need;

        grow = grow < e->buf.cap ? grow : e->buf.cap;
        if (d->mem - old + grow > SL_TS_DEMUX_MEM_BUDGET) {
            pes_drop(d, e);
            return false;
        }
    }
    if (sl_dbuf_add(&e->buf, p, n) < 0) {
        pes_drop(d, e);
        return false;
    }
    d->mem += e->buf.alloc - old;
    return true;
}


/* Forgets the PES in progress and any carried bytes, after a loss. */
static void
pes_drop(struct sl_ts_demux *d, struct es *e)
{
    if (e->active) {
        d->st.pes_dropped++;
    }
    e->active = false;
    e->carry = 0;
    e->buf.len = 0;
    e->discont = true;
    e->run = false;
}


/* Counts a unit that was lost after its PES was complete. */
static void
unit_lost(struct sl_ts_demux *d, struct es *e)
{
    d->st.pes_dropped++;
    e->discont = true;
}


/* Ends the PES in progress: parses its header and hands it out. */
static int
pes_end(struct sl_ts_demux *d, int i)
{
    struct es     *e = &d->es[i];
    const uint8_t *b;
    struct pes     h;
    int            rc;

    if (e->buf.len - e->carry < 6) {
        pes_drop(d, e);
        return 0;
    }
    b = sl_dbuf_data(&e->buf) + e->carry;
    if (pes_parse(b, e->buf.len - e->carry, &h) < 0) {
        pes_drop(d, e);
        return 0;
    }
    e->active = false;
    switch (e->kind) {
    case K_H264:
    case K_H265:
        rc = video_pes(d, i, &h, b);
        break;
    case K_KLV:
    case K_KLV_SYNC:
        rc = klv_pes(d, i, &h, b);
        break;
    case K_OPUS:
        rc = opus_pes(d, i, &h, b);
        break;
    default:
        return audio_pes(d, i, &h);
    }
    e->buf.len = 0;
    return rc;
}


/* Parses a whole PES (header and payload); SL_EBADDATA when malformed. */
static int
pes_parse(const uint8_t *p, size_t len, struct pes *h)
{
    size_t total = len;
    size_t plen;

    memset(h, 0, sizeof(*h));
    if (len < 6 || p[0] != 0 || p[1] != 0 || p[2] != 1) {
        return SL_EBADDATA;
    }
    h->sid = p[3];
    plen = sl_rb16(p + 4);
    if (plen != 0) {
        if (6 + plen > len) {
            return SL_EBADDATA; /* cut short */
        }
        total = 6 + plen;
    }
    switch (h->sid) {
    case 0xbc: /* program_stream_map */
    case 0xbe: /* padding_stream */
    case 0xbf: /* private_stream_2 */
    case 0xf0: /* ECM */
    case 0xf1: /* EMM */
    case 0xf2: /* DSMCC */
    case 0xf8: /* H.222.1 type E */
    case 0xff: /* program_stream_directory */
        h->off = 6;
        h->len = h->sid == 0xbe ? 0 : total - 6;
        return 0;
    default:
        break;
    }
    if (total < 9 || (p[6] & 0xc0) != 0x80 || 9 + (size_t)p[8] > total) {
        return SL_EBADDATA;
    }
    switch (p[7] >> 6) {
    case 3:
        if (p[8] < 10) {
            return SL_EBADDATA;
        }
        h->has_dts = read_ts(p + 14, &h->dts);
        /* fall through */
    case 2:
        if (p[8] < 5) {
            return SL_EBADDATA;
        }
        h->has_pts = read_ts(p + 9, &h->pts);
        break;
    default:
        break; /* none, or the forbidden value 1 */
    }
    h->has_dts = h->has_dts && h->has_pts;
    h->off = 9 + (size_t)p[8];
    h->len = total - h->off;
    return 0;
}


/*
 * A 33-bit timestamp in its 5-byte form.  Marker bits are checked loosely:
 * some muxers get one wrong, but none all three, so only that is refused.
 */
static bool
read_ts(const uint8_t *p, uint64_t *ts)
{
    if ((p[0] & 1) == 0 && (p[2] & 1) == 0 && (p[4] & 1) == 0) {
        return false;
    }
    *ts = ((uint64_t)(p[0] >> 1) & 0x07) << 30
          | (uint64_t)(sl_rb16(p + 1) >> 1) << 15 | (sl_rb16(p + 3) >> 1);
    return true;
}


/*
 * Places a 33-bit timestamp on the demuxer's timeline: within +-2^32
 * ticks of the last one placed.
 */
static int64_t
unwrap(struct sl_ts_demux *d, uint64_t raw)
{
    uint64_t delta;

    if (!d->ts_known || d->ts_last > TS_FAR || d->ts_last < -TS_FAR) {
        d->ts_known = true;
        d->ts_last = (int64_t)raw;
        return d->ts_last;
    }
    delta = (raw - (uint64_t)d->ts_last) & (uint64_t)SL_TS_PTS_MASK;
    if (delta >= (uint64_t)1 << 32) {
        d->ts_last += (int64_t)delta - ((int64_t)1 << 33);
    } else {
        d->ts_last += (int64_t)delta;
    }
    return d->ts_last;
}


/* Signed difference of two 33-bit timestamps, in -2^32 .. 2^32-1. */
static int64_t
ts_diff(uint64_t a, uint64_t b)
{
    uint64_t delta = (a - b) & (uint64_t)SL_TS_PTS_MASK;

    if (delta >= (uint64_t)1 << 32) {
        return (int64_t)delta - ((int64_t)1 << 33);
    }
    return (int64_t)delta;
}


static int
emit(struct sl_ts_demux *d, int i, int64_t pts, int64_t dts, bool key,
     const uint8_t *p, size_t len)
{
    struct es         *e = &d->es[i];
    struct sl_ts_frame f = {
        .track = i,
        .codec = d->tracks[i].codec,
        .pts = pts,
        .dts = dts,
        .key = key,
        .discont = e->discont,
        .data = p,
        .len = len,
    };

    e->discont = false;
    d->st.frames++;
    if (d->cb.frame != NULL) {
        return d->cb.frame(d->cb.ud, &f);
    }
    return 0;
}


static int
video_pes(struct sl_ts_demux *d, int i, const struct pes *h, const uint8_t *b)
{
    struct es *e = &d->es[i];
    bool       h265 = e->kind == K_H265;
    int64_t    pts;
    int64_t    dts;
    uint8_t   *au;
    size_t     len;
    size_t     r = 0;
    size_t     w = 0;
    bool       key;

    if (h->len == 0) {
        return 0;
    }
    if (!h->has_pts) {
        unit_lost(d, e);
        return 0;
    }
    sl_dbuf_reset(&d->out);
    if (sl_annexb_to_avcc(b + h->off, h->len, &d->out) < 0) {
        unit_lost(d, e);
        return 0;
    }
    /* Remove access unit delimiters: skip leading ones, compact others. */
    au = sl_dbuf_data(&d->out);
    len = d->out.len;
    while (r + 4 <= len) {
        size_t n = sl_rb32(au + r);
        bool   aud;

        if (n == 0 || n > len - r - 4) {
            break; /* cannot happen: sl_annexb_to_avcc wrote it */
        }
        aud = h265 ? sl_h265_nal_type(au[r + 4]) == SL_H265_NAL_AUD
                   : sl_h264_nal_type(au[r + 4]) == SL_H264_NAL_AUD;
        if (!aud) {
            if (w != r) {
                memmove(au + w, au + r, 4 + n);
            }
            w += 4 + n;
        } else if (w == 0) {
            au += r + 4 + n;
            len -= r + 4 + n;
            r = 0;
            continue;
        }
        r += 4 + n;
    }
    len = w;
    if (len == 0) {
        return 0;
    }
    if (h->has_dts) {
        dts = unwrap(d, h->dts);
        pts = dts + ts_diff(h->pts, h->dts);
    } else {
        pts = dts = unwrap(d, h->pts);
    }
    key = h265 ? sl_h265_avcc_is_irap(au, len) : sl_h264_avcc_is_idr(au, len);
    return emit(d, i, pts, dts, key, au, len);
}


static int
klv_pes(struct sl_ts_demux *d, int i, const struct pes *h, const uint8_t *b)
{
    struct es     *e = &d->es[i];
    const uint8_t *p = b + h->off;
    size_t         len = h->len;
    int64_t        pts;

    if (len == 0) {
        return 0;
    }
    if (h->has_pts) {
        pts = unwrap(d, h->pts);
    } else if (d->ts_known) {
        pts = d->ts_last;
    } else {
        unit_lost(d, e);
        return 0;
    }
    if (e->kind == K_KLV_SYNC && h->sid == SL_TS_SID_METADATA) {
        /* Metadata AU cells: 5-byte header with a 16-bit data length. */
        size_t o = 0;

        sl_dbuf_reset(&d->out);
        while (o < len) {
            size_t n;

            if (len - o < 5) {
                goto bad;
            }
            n = sl_rb16(p + o + 3);
            o += 5;
            if (n > len - o || sl_dbuf_add(&d->out, p + o, n) < 0) {
                goto bad;
            }
            o += n;
        }
        p = sl_dbuf_data(&d->out);
        len = d->out.len;
        if (len == 0) {
            return 0;
        }
    }
    return emit(d, i, pts, pts, true, p, len);

bad:
    unit_lost(d, e);
    return 0;
}


/* Starts the audio timeline of a PES that has a PTS. */
static void
audio_start(struct sl_ts_demux *d, struct es *e, const struct pes *h)
{
    if (h->has_pts) {
        e->run = true;
        e->run_base = unwrap(d, h->pts);
        e->run_acc = 0;
    }
}


/*
 * Opus in TS: each packet behind a control header (prefix 0x3ff in 11
 * bits, three flags, au_size as a run of 0xff bytes, optional trims and
 * extension).  Packets never straddle PES packets.
 */
static int
opus_pes(struct sl_ts_demux *d, int i, const struct pes *h, const uint8_t *b)
{
    struct es     *e = &d->es[i];
    const uint8_t *p = b + h->off;
    size_t         n = h->len;
    size_t         pos = 0;
    int            rc;

    audio_start(d, e, h);
    e->untimed = false;
    while (pos < n) {
        size_t  size = 0;
        uint8_t fl;
        uint8_t v;
        int     samples;

        if (n - pos < 3 || p[pos] != 0x7f || (p[pos + 1] & 0xe0) != 0xe0) {
            goto bad;
        }
        fl = p[pos + 1];
        pos += 2;
        do {
            if (pos >= n) {
                goto bad;
            }
            v = p[pos++];
            size += v;
        } while (v == 0xff);
        pos += (fl & 0x10) ? 2 : 0; /* start_trim */
        pos += (fl & 0x08) ? 2 : 0; /* end_trim */
        if (fl & 0x04) {
            if (pos >= n) {
                goto bad;
            }
            pos += 1 + (size_t)p[pos]; /* control extension */
        }
        if (pos > n || size > n - pos) {
            goto bad;
        }
        samples = sl_opus_packet_samples(p + pos, size);
        if (samples > 0) {
            rc = audio_emit(d, i, 48000, (uint32_t)samples, p + pos, size);
            if (rc < 0) {
                return rc;
            }
        }
        pos += size;
    }
    if (e->untimed) {
        d->st.pes_dropped++;
    }
    return 0;

bad:
    unit_lost(d, e);
    return 0;
}


/*
 * Frame-split audio (ADTS, LOAS, MPEG audio, AC-3).  The bytes of a frame
 * cut by the previous PES boundary sit at the front of the buffer; they
 * are moved next to this payload, frames are handed out, and an unfinished
 * last frame is kept for the next PES.  The PES PTS belongs to the first
 * frame that starts in this PES (2.4.3.7).
 */
static int
audio_pes(struct sl_ts_demux *d, int i, const struct pes *h)
{
    struct es *e = &d->es[i];
    uint8_t   *b = sl_dbuf_data(&e->buf);
    size_t     carry = e->carry;
    uint8_t   *data = b + h->off;
    size_t     n = carry + h->len;
    size_t     pos = 0;
    bool       started = false;
    int        rc = 0;

    memmove(data, b, carry);
    e->carry = 0;
    e->untimed = false;
    while (pos < n) {
        struct afr f;

        if (!started && pos >= carry) {
            started = true;
            audio_start(d, e, h);
        }
        rc = sl_ts_probe(e->kind, data + pos, n - pos, &f);
        if (rc == SL_EBADDATA) {
            pos++;
            continue;
        }
        if (rc == 0) {
            break;
        }
        if (e->kind == K_LATM) {
            rc = latm_element(d, i, data + pos + 3, f.len - 3);
        } else {
            audio_params(d, i, f.rate, f.channels, f.has_aac ? &f.aac : NULL);
            if (f.drop) {
                unit_lost(d, e);
            }
            rc = audio_emit(d, i, f.rate, f.samples, data + pos + f.skip,
                            f.drop ? 0 : f.len - f.skip);
        }
        if (rc < 0) {
            e->buf.len = 0;
            return rc;
        }
        pos += f.len;
    }
    if (e->untimed) {
        d->st.pes_dropped++;
    }
    if (pos < n && n - pos <= CARRY_MAX) {
        memmove(b, data + pos, n - pos);
        e->carry = n - pos;
    }
    e->buf.len = e->carry;
    return 0;
}


/*
 * Hands out one audio unit at the track's running timeline and advances
 * it by samples at rate; n == 0 only advances.
 */
static int
audio_emit(struct sl_ts_demux *d, int i, uint32_t rate, uint32_t samples,
           const uint8_t *p, size_t n)
{
    struct es *e = &d->es[i];
    int64_t    pts;

    if (!e->run) {
        e->untimed = e->untimed || n > 0;
        return 0;
    }
    if (rate == 0) {
        return 0;
    }
    if (e->run_rate != rate || e->run_acc > ACC_MAX) {
        if (e->run_rate != 0) {
            e->run_base += (int64_t)(e->run_acc * SL_TS_CLOCK / e->run_rate);
        }
        e->run_acc = 0;
        e->run_rate = rate;
    }
    pts = e->run_base + (int64_t)(e->run_acc * SL_TS_CLOCK / rate);
    e->run_acc += samples;
    if (n == 0) {
        return 0;
    }
    return emit(d, i, pts, pts, true, p, n);
}


/* Updates a track's audio parameters; reports the tracks on a change. */
static void
audio_params(struct sl_ts_demux *d, int i, uint32_t rate, int channels,
             const struct sl_aac_config *aac)
{
    struct sl_ts_track *t = &d->tracks[i];
    bool                changed = false;

    if (aac != NULL && (!t->aac_known || !aac_equal(&t->aac, aac))) {
        t->aac = *aac;
        t->aac_known = true;
        changed = true;
    }
    if (rate != 0 && rate != t->sample_rate) {
        t->sample_rate = rate;
        changed = true;
    }
    if (channels != 0 && channels != t->channels) {
        t->channels = channels;
        changed = true;
    }
    if (changed) {
        notify(d);
    }
}


static bool
aac_equal(const struct sl_aac_config *a, const struct sl_aac_config *b)
{
    return a->object_type == b->object_type && a->sample_rate == b->sample_rate
           && a->channels == b->channels && a->freq_index == b->freq_index
           && a->channel_config == b->channel_config
           && a->frame_length == b->frame_length && a->sbr == b->sbr
           && a->ps == b->ps && a->ext_sample_rate == b->ext_sample_rate;
}


/*
 * An AudioMuxElement with muxConfigPresent = 1 (14496-3 1.7.3): an
 * optional in-band StreamMuxConfig, then per sub-frame a PayloadLengthInfo
 * and a PayloadMux, all at bit positions.  The AUs are copied byte-aligned
 * into d->out and handed out one by one.
 */
static int
latm_element(struct sl_ts_demux *d, int i, const uint8_t *p, size_t len)
{
    struct es     *e = &d->es[i];
    struct sl_bits br;
    size_t         off[SL_AAC_MAX_AUS];
    size_t         n[SL_AAC_MAX_AUS];
    int            count = 0;
    uint8_t       *w;
    int            rc;

    sl_bits_init(&br, p, len);
    if (!sl_bits_read1(&br)) {
        struct latm c;

        if (sl_ts_latm_mux_config(&br, &c) < 0) {
            e->latm.known = false;
            goto bad;
        }
        e->latm = c;
        audio_params(d, i, c.aac.sample_rate, c.aac.channels, &c.aac);
    } else if (!e->latm.known) {
        return 0; /* no config yet: wait for one */
    }
    sl_dbuf_reset(&d->out);
    for (int s = 0; s < e->latm.sub_frames; s++) {
        size_t   size = 0;
        uint32_t v;

        do {
            v = sl_bits_read(&br, 8);
            size += v;
        } while (v == 0xff && !br.error);
        if (br.error || size > sl_bits_left(&br) / 8) {
            goto bad;
        }
        if (size == 0) {
            continue;
        }
        w = sl_dbuf_reserve(&d->out, size);
        if (w == NULL) {
            goto bad;
        }
        sl_ts_bits_bytes(&br, w, size);
        off[count] = d->out.len;
        n[count] = size;
        sl_dbuf_commit(&d->out, size);
        count++;
    }
    for (int k = 0; k < count; k++) {
        rc = audio_emit(d, i, e->latm.aac.sample_rate,
                        (uint32_t)e->latm.aac.frame_length,
                        sl_dbuf_data(&d->out) + off[k], n[k]);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;

bad:
    unit_lost(d, e);
    return 0;
}
