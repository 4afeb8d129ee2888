/* xdp-load pass: let every frame continue to the stack, counting it. Also serves as the receive-side
 * program a veth needs before frames can be redirected into it (see xdpdump/loader.py). */
#include "verdicts.h"

int xdpd_pass(struct xdp_md *ctx)
{
    return xdpd_count(XDP_PASS);
}
