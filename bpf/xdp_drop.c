/* xdp-load drop: drop every frame before the stack sees it, counting it. */
#include "verdicts.h"

int xdpd_drop(struct xdp_md *ctx)
{
    return xdpd_count(XDP_DROP);
}
