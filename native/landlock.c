/* landlock.c - the archive role's second wall: Landlock (Linux 5.13+) confines its file system to the
 * -w directory, beneath the seccomp filter that already fixes openat's directory and flags.
 *
 * The ruleset handles every file-system right the kernel knows (its ABI version says which); the one
 * rule grants, beneath the output directory only, what creating, writing, truncating and renaming a
 * capture file takes. Files opened before (the log, the ring, the UMEM) are not affected: Landlock
 * checks at open time. Network rights are not handled here: the seccomp filter allows no socket call.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

/* The UAPI (linux/landlock.h), spelled out: the build host's headers may predate some of it. */
#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_REMOVE_FILE (1ull << 5)
#define LL_FS_MAKE_REG (1ull << 8)
#define LL_FS_TRUNCATE (1ull << 14)

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

int xdpd_landlock_abi(void)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

/* Every file-system right of an ABI version: 13 in ABI 1, REFER in 2, TRUNCATE in 3, IOCTL_DEV in 5. */
static uint64_t handled_fs(int abi)
{
    uint64_t all = (1ull << 13) - 1;
    if (abi >= 2)
        all |= 1ull << 13;
    if (abi >= 3)
        all |= 1ull << 14;
    if (abi >= 5)
        all |= 1ull << 15;
    return all;
}

int xdpd_landlock_confine_to(int dir_fd)
{
    int abi = xdpd_landlock_abi();
    if (abi < 0)
        return abi;   /* -ENOSYS or -EOPNOTSUPP: not in this kernel, or not enabled (the banner says so) */
    struct ll_ruleset_attr attr = {.handled_access_fs = handled_fs(abi)};
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
    if (rs < 0)
        return xdpd_fail(XDPD_STEP_SECCOMP, errno, "landlock_create_ruleset(abi=%d)", abi);
    struct ll_path_beneath_attr rule = {
        .allowed_access = LL_FS_WRITE_FILE | LL_FS_MAKE_REG | LL_FS_REMOVE_FILE | (abi >= 3 ? LL_FS_TRUNCATE : 0),
        .parent_fd = dir_fd,
    };
    int err = 0;
    /* no_new_privs: restrict_self requires it of a process without CAP_SYS_ADMIN (set again, harmlessly,
     * by the seccomp filter's installation). */
    if (syscall(SYS_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &rule, 0) != 0)
        err = xdpd_fail(XDPD_STEP_SECCOMP, errno, "landlock_add_rule(dir_fd=%d)", dir_fd);
    else if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        err = xdpd_fail(XDPD_STEP_SECCOMP, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    else if (syscall(SYS_landlock_restrict_self, rs, 0) != 0)
        err = xdpd_fail(XDPD_STEP_SECCOMP, errno, "landlock_restrict_self()");
    close(rs);
    return err ? err : abi;
}
