/*
 * MPEG-TS helpers shared by the muxer and the demuxer.
 */
#include "format/mpegts.h"


static uint32_t
crc32_step(uint32_t crc, uint8_t byte)
{
    crc ^= (uint32_t)byte << 24;
    for (int i = 0; i < 8; i++) {
        crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
    return crc;
}

uint32_t
sl_ts_crc32(const uint8_t *p, size_t len)
{
    /* Tables are not worth it: PSI sections are a few hundred bytes a
     * second. */
    uint32_t crc = 0xffffffffu;

    for (size_t i = 0; i < len; i++) {
        crc = crc32_step(crc, p[i]);
    }
    return crc;
}
