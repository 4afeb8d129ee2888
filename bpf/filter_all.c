/* filter_all.c - the filter that matches every frame (capture everything, whole frames). */
static __always_inline unsigned int xdpd_filter(void *data, void *data_end)
{
    return 262144;
}
