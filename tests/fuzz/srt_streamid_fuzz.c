/*
 * Fuzz target: the SRT stream id parser.  Properties: no crash, no
 * out-of-bounds read (ASan), slices inside the input, a non-empty path
 * without control bytes on success, and a parsed id written back in the
 * custom syntax parses to the same fields.
 */
#include "proto/srt/streamid.h"
#include "base/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void check_slice(struct sl_str s, struct sl_str in);
static bool has_colon(struct sl_str s);
static bool append(char *buf, size_t *len, struct sl_str s);
static void round_trip(const struct sl_srt_streamid *id);


static void
check_slice(struct sl_str s, struct sl_str in)
{
    size_t i;

    if (s.len == 0) {
        return;
    }
    if (s.p < in.p || s.p + s.len > in.p + in.len) {
        abort();
    }
    for (i = 0; i < s.len; i++) {
        if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f) {
            abort();
        }
    }
}


static bool
has_colon(struct sl_str s)
{
    return sl_str_chr(s, ':') >= 0;
}


static bool
append(char *buf, size_t *len, struct sl_str s)
{
    if (*len + s.len > SL_SRT_STREAMID_MAX) {
        return false;
    }
    if (s.len > 0) {
        memcpy(buf + *len, s.p, s.len);
    }
    *len += s.len;
    return true;
}


/*
 * Writes id as "action:path[:user:pass][:query]" and parses it again.
 * Skipped when a field holds ':' (only the standard syntax allows that) or
 * the last field ends with "#feedbackplay" (it would be stripped again).
 */
static void
round_trip(const struct sl_srt_streamid *id)
{
    static const struct sl_str colon = {":", 1};
    char                       buf[SL_SRT_STREAMID_MAX];
    size_t                     len = 0;
    bool                       creds = id->user.len > 0 || id->pass.len > 0;
    bool                       ok;
    struct sl_str              last;
    struct sl_srt_streamid     again;

    if (has_colon(id->path) || has_colon(id->user) || has_colon(id->pass)
        || has_colon(id->query))
    {
        return;
    }
    last = id->query.len > 0 ? id->query : creds ? id->pass : id->path;
    if (last.len >= 13
        && memcmp(last.p + last.len - 13, "#feedbackplay", 13) == 0) {
        return;
    }
    ok = append(buf, &len,
                id->mode == SL_SRT_PUBLISH ? sl_str_lit("publish")
                                           : sl_str_lit("read"))
         && append(buf, &len, colon) && append(buf, &len, id->path);
    if (ok && creds) {
        ok = append(buf, &len, colon) && append(buf, &len, id->user)
             && append(buf, &len, colon) && append(buf, &len, id->pass);
    }
    if (ok && id->query.len > 0) {
        ok = append(buf, &len, colon) && append(buf, &len, id->query);
    }
    if (!ok) {
        return;
    }
    if (sl_srt_streamid_parse((struct sl_str){buf, len}, &again, NULL) != 0
        || again.mode != id->mode || !sl_str_eq(again.path, id->path)
        || !sl_str_eq(again.user, id->user) || !sl_str_eq(again.pass, id->pass)
        || !sl_str_eq(again.query, id->query))
    {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sl_str          in = {(const char *)data, size};
    struct sl_srt_streamid id;
    const char            *reason = NULL;
    int                    rc;

    rc = sl_srt_streamid_parse(in, &id, &reason);
    if (rc < 0) {
        if ((rc != SL_EBADDATA && rc != SL_ELIMIT) || reason == NULL
            || (rc == SL_ELIMIT) != (size > SL_SRT_STREAMID_MAX))
        {
            abort();
        }
        return 0;
    }
    if (rc != 0 || size == 0 || size > SL_SRT_STREAMID_MAX || id.path.len == 0
        || (id.mode != SL_SRT_READ && id.mode != SL_SRT_PUBLISH))
    {
        abort();
    }
    check_slice(id.path, in);
    check_slice(id.user, in);
    check_slice(id.pass, in);
    check_slice(id.query, in);
    round_trip(&id);
    return 0;
}
