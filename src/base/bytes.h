/*
 * Big- and little-endian loads and stores on byte pointers.
 * The caller has checked the length; these never read past p[size).
 */
#ifndef SL_BASE_BYTES_H
#define SL_BASE_BYTES_H

#include <stdint.h>


static inline uint16_t
sl_rb16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
sl_rb24(const uint8_t *p)
{
    return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}

static inline uint32_t
sl_rb32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16)
           | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint64_t
sl_rb64(const uint8_t *p)
{
    return ((uint64_t)sl_rb32(p) << 32) | sl_rb32(p + 4);
}

static inline uint32_t
sl_rl32(const uint8_t *p)
{
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16)
           | ((uint32_t)p[1] << 8) | p[0];
}

static inline void
sl_wb16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void
sl_wb24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

static inline void
sl_wb32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void
sl_wb64(uint8_t *p, uint64_t v)
{
    sl_wb32(p, (uint32_t)(v >> 32));
    sl_wb32(p + 4, (uint32_t)v);
}

static inline void
sl_wl32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}


#endif /* SL_BASE_BYTES_H */
