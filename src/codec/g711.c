/* Sluice: G.711 sample counting. */
#include "codec/g711.h"


size_t
sl_g711_samples(size_t len, unsigned channels)
{
    return channels > 1 ? len / channels : len;
}
