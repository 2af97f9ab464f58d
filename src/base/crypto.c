/* Sluice: randomness, hashes, base64 (OpenSSL). */
#include "base/crypto.h"
#include "base/err.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void
sl_rand_bytes(void *out, size_t n)
{
    if (RAND_bytes(out, (int)n) != 1) {
        fprintf(stderr, "sluice: RAND_bytes failed\n");
        abort();
    }
}


uint32_t
sl_rand_u32(void)
{
    uint32_t v;

    sl_rand_bytes(&v, sizeof(v));
    return v;
}


void
sl_uuid(char out[37])
{
    uint8_t b[16];

    sl_rand_bytes(b, sizeof(b));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
             b[11], b[12], b[13], b[14], b[15]);
}


void
sl_sha256(const void *p, size_t n, uint8_t out[SL_SHA256_LEN])
{
    unsigned len = SL_SHA256_LEN;

    EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}


void
sl_md5(const void *p, size_t n, uint8_t out[SL_MD5_LEN])
{
    unsigned len = SL_MD5_LEN;

    EVP_Digest(p, n, out, &len, EVP_md5(), NULL);
}


size_t
sl_base64_encode(const uint8_t *in, size_t n, char *out)
{
    return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}


int
sl_base64_decode(const char *in, size_t n, uint8_t *out)
{
    static const signed char tab[256] = {
        ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,
        ['G'] = 7,  ['H'] = 8,  ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12,
        ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
        ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
        ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
        ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
        ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
        ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
        ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
        ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
        ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
    };
    uint32_t acc = 0;
    int      bits = 0;
    size_t   i, o = 0;

    while (n > 0 && in[n - 1] == '=') {
        n--;
    }
    for (i = 0; i < n; i++) {
        int v = tab[(unsigned char)in[i]];

        if (v == 0) {
            return SL_EBADDATA;
        }
        acc = (acc << 6) | (uint32_t)(v - 1);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (bits >= 6) {
        return SL_EBADDATA;
    }
    return (int)o;
}
