/* Sluice: RTMP server handshake (plain and digest). */
#include "proto/rtmp/handshake.h"
#include "base/bytes.h"
#include "base/crypto.h"
#include "base/err.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>


#define C0C1_SIZE (1 + SL_RTMP_HANDSHAKE_SIZE)
#define S012_SIZE (1 + 2 * SL_RTMP_HANDSHAKE_SIZE)
/* Where the 764-byte digest block starts in each scheme. */
#define BLOCK_SCHEME0 772
#define BLOCK_SCHEME1 8
/* The version field we put in a digest S1 (as FMS 3.5.1.1 did). */
#define S1_VERSION 0x03050101u


static void make_s1(struct sl_rtmp_handshake *h, uint8_t *s1);
static void make_s2(struct sl_rtmp_handshake *h, const uint8_t *c1,
                    uint8_t *s2);


/* The 32 random bytes that complete both keys. */
#define KEY_TAIL                                                               \
    0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1,    \
        0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F,      \
        0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE

const uint8_t sl_rtmp_fp_key[SL_RTMP_FP_KEY_LEN] = {
    'G', 'e', 'n', 'u', 'i', 'n', 'e', ' ', 'A',     'd', 'o',
    'b', 'e', ' ', 'F', 'l', 'a', 's', 'h', ' ',     'P', 'l',
    'a', 'y', 'e', 'r', ' ', '0', '0', '1', KEY_TAIL};

const uint8_t sl_rtmp_fms_key[SL_RTMP_FMS_KEY_LEN] = {
    'G', 'e', 'n', 'u', 'i', 'n', 'e', ' ', 'A', 'd', 'o',     'b', 'e',
    ' ', 'F', 'l', 'a', 's', 'h', ' ', 'M', 'e', 'd', 'i',     'a', ' ',
    'S', 'e', 'r', 'v', 'e', 'r', ' ', '0', '0', '1', KEY_TAIL};


void
sl_rtmp_hmac_sha256(const uint8_t *key, size_t keylen, const uint8_t *p,
                    size_t len, uint8_t out[SL_RTMP_DIGEST_LEN])
{
    unsigned int n = SL_RTMP_DIGEST_LEN;

    HMAC(EVP_sha256(), key, (int)keylen, p, len, out, &n);
}


size_t
sl_rtmp_digest_pos(const uint8_t *pkt, int scheme)
{
    size_t block = scheme == 0 ? BLOCK_SCHEME0 : BLOCK_SCHEME1;
    size_t sum =
        (size_t)pkt[block] + pkt[block + 1] + pkt[block + 2] + pkt[block + 3];

    /* 764 - 4 (offset) - 32 (digest) = 728 places. */
    return block + 4 + sum % 728;
}


void
sl_rtmp_digest_calc(const uint8_t *pkt, size_t pos, const uint8_t *key,
                    size_t keylen, uint8_t out[SL_RTMP_DIGEST_LEN])
{
    uint8_t buf[SL_RTMP_HANDSHAKE_SIZE - SL_RTMP_DIGEST_LEN];

    memcpy(buf, pkt, pos);
    memcpy(buf + pos, pkt + pos + SL_RTMP_DIGEST_LEN,
           SL_RTMP_HANDSHAKE_SIZE - pos - SL_RTMP_DIGEST_LEN);
    sl_rtmp_hmac_sha256(key, keylen, buf, sizeof(buf), out);
}


void
sl_rtmp_digest_put(uint8_t *pkt, int scheme, const uint8_t *key, size_t keylen)
{
    size_t  pos = sl_rtmp_digest_pos(pkt, scheme);
    uint8_t d[SL_RTMP_DIGEST_LEN];

    sl_rtmp_digest_calc(pkt, pos, key, keylen, d);
    memcpy(pkt + pos, d, sizeof(d));
}


int
sl_rtmp_digest_find(const uint8_t *pkt, const uint8_t *key, size_t keylen)
{
    uint8_t d[SL_RTMP_DIGEST_LEN];
    int     scheme;

    /* Scheme 1 first: it is what FFmpeg, librtmp and OBS send. */
    for (scheme = 1; scheme >= 0; scheme--) {
        size_t pos = sl_rtmp_digest_pos(pkt, scheme);

        sl_rtmp_digest_calc(pkt, pos, key, keylen, d);
        if (memcmp(d, pkt + pos, sizeof(d)) == 0) {
            return scheme;
        }
    }
    return -1;
}


void
sl_rtmp_handshake_init(struct sl_rtmp_handshake *h)
{
    memset(h, 0, sizeof(*h));
    h->state = SL_RTMP_HS_C0C1;
}


static void
make_s1(struct sl_rtmp_handshake *h, uint8_t *s1)
{
    sl_rand_bytes(s1 + 8, SL_RTMP_HANDSHAKE_SIZE - 8);
    sl_wb32(s1, 0); /* our epoch: timestamps start at 0 */
    if (!h->digest) {
        sl_wb32(s1 + 4, 0);
        return;
    }
    sl_wb32(s1 + 4, S1_VERSION);
    sl_rtmp_digest_put(s1, h->scheme, sl_rtmp_fms_key, SL_RTMP_FMS_KEY_TEXT);
}


static void
make_s2(struct sl_rtmp_handshake *h, const uint8_t *c1, uint8_t *s2)
{
    uint8_t key[SL_RTMP_DIGEST_LEN];
    size_t  pos;

    if (!h->digest) {
        memcpy(s2, c1, SL_RTMP_HANDSHAKE_SIZE); /* echo, time included */
        return;
    }
    /*
     * The client checks the last 32 bytes of S2: an HMAC of the rest keyed
     * with HMAC(its own C1 digest, full FMS key).
     */
    sl_rand_bytes(s2, SL_RTMP_HANDSHAKE_SIZE);
    memcpy(s2, c1, 4);
    sl_wb32(s2 + 4, 0);
    pos = sl_rtmp_digest_pos(c1, h->scheme);
    sl_rtmp_hmac_sha256(sl_rtmp_fms_key, SL_RTMP_FMS_KEY_LEN, c1 + pos,
                        SL_RTMP_DIGEST_LEN, key);
    sl_rtmp_hmac_sha256(key, sizeof(key), s2,
                        SL_RTMP_HANDSHAKE_SIZE - SL_RTMP_DIGEST_LEN,
                        s2 + SL_RTMP_HANDSHAKE_SIZE - SL_RTMP_DIGEST_LEN);
}


int
sl_rtmp_handshake_server(struct sl_rtmp_handshake *h, const uint8_t *p,
                         size_t len, struct sl_dbuf *out)
{
    const uint8_t *c1;
    uint8_t       *w;
    int            scheme;

    switch (h->state) {
    case SL_RTMP_HS_C0C1:
        if (len < 1) {
            return SL_EAGAIN;
        }
        if (p[0] == 6 || p[0] == 8) {
            return SL_EUNSUP; /* RTMPE */
        }
        if (p[0] != SL_RTMP_VERSION) {
            return SL_EBADDATA;
        }
        if (len < C0C1_SIZE) {
            return SL_EAGAIN;
        }
        c1 = p + 1;
        h->c1_time = sl_rb32(c1);
        memcpy(h->c1_version, c1 + 4, 4);
        h->digest = false;
        if (sl_rb32(c1 + 4) != 0) {
            scheme =
                sl_rtmp_digest_find(c1, sl_rtmp_fp_key, SL_RTMP_FP_KEY_TEXT);
            if (scheme >= 0) {
                h->digest = true;
                h->scheme = scheme;
            }
        }
        w = sl_dbuf_reserve(out, S012_SIZE);
        if (w == NULL) {
            return SL_ELIMIT;
        }
        w[0] = SL_RTMP_VERSION;
        make_s1(h, w + 1);
        make_s2(h, c1, w + 1 + SL_RTMP_HANDSHAKE_SIZE);
        sl_dbuf_commit(out, S012_SIZE);
        h->state = SL_RTMP_HS_C2;
        return C0C1_SIZE;
    case SL_RTMP_HS_C2:
        if (len < SL_RTMP_HANDSHAKE_SIZE) {
            return SL_EAGAIN;
        }
        h->state = SL_RTMP_HS_DONE;
        return SL_RTMP_HANDSHAKE_SIZE;
    default:
        return SL_ESTATE;
    }
}
