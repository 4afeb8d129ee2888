/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/archive.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_ARCHIVE_SECCOMP_H
#define XDPDUMP_GENERATED_ARCHIVE_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_archive_instr_cnt 52

static inline unsigned long
populate_sock_filter_policy_archive( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int archive_fd, unsigned int dir_fd, unsigned int notify_fd ) {
  if( out_cnt < sock_filter_policy_archive_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_archive_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 49 ),     /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 47, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 13, 0 ),            /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 17, 0 ),           /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4dU, 19, 0 ),           /* ftruncate */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x101U, 20, 0 ),          /* openat */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x124U, 23, 0 ),          /* dup3 */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3U, 40, 0 ),            /* close */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x13cU, 25, 0 ),          /* renameat2 */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 30, 0 ),          /* ppoll */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe6U, 31, 0 ),           /* clock_nanosleep */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 33, 0 ),           /* clock_gettime */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 35, 0 ),            /* rt_sigreturn */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 34, 0 ),           /* exit_group */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 33, 0 ),           /* exit */
    /*   17 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   18 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 30, 0 ),      /* (arg 0) == archive_fd */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 29, 0 ),            /* (arg 0) == 2 */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 28, 0 ),      /* (arg 0) == logfile_fd */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, notify_fd, 27, 28 ),      /* (arg 0) == notify_fd */
    /*   23 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 25, 0 ),      /* (arg 0) == logfile_fd */
    /*   25 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 24, 25 ),     /* (arg 0) == archive_fd */
    /*   26 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   27 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 22, 23 ),     /* (arg 0) == archive_fd */
    /*   28 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   29 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, dir_fd, 0, 21 ),          /* (arg 0) == dir_fd */
    /*   30 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   31 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xa0241U, 18, 19 ),       /* (arg 2) == O_WRONLY|O_CREAT|O_TRUNC|O_NOFOLLOW|O_CLOEXEC */
    /*   32 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   33 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 0, 17 ),      /* (arg 1) == archive_fd */
    /*   34 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   35 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x80000U, 14, 15 ),       /* (arg 2) == O_CLOEXEC */
    /*   36 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   37 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, dir_fd, 0, 13 ),          /* (arg 0) == dir_fd */
    /*   38 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   39 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, dir_fd, 0, 11 ),          /* (arg 2) == dir_fd */
    /*   40 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   41 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 8, 9 ),             /* (arg 4) == 0 */
    /*   42 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   43 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 6, 7 ),             /* (arg 1) == 0 */
    /*   44 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   45 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 4, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   46 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 3, 4 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   47 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   49 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   50 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   51 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_archive_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_archive_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_archive_instr_cnt 51

static inline unsigned long
populate_sock_filter_policy_archive( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int archive_fd, unsigned int dir_fd, unsigned int notify_fd ) {
  if( out_cnt < sock_filter_policy_archive_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_archive_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 48 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 13, 0 ),           /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 17, 0 ),           /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2eU, 19, 0 ),           /* ftruncate */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x38U, 20, 0 ),           /* openat */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x18U, 23, 0 ),           /* dup3 */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x39U, 40, 0 ),           /* close */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x114U, 25, 0 ),          /* renameat2 */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 30, 0 ),           /* ppoll */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x73U, 31, 0 ),           /* clock_nanosleep */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 33, 0 ),           /* clock_gettime */
    /*   13 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 35, 0 ),           /* rt_sigreturn */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 34, 0 ),           /* exit_group */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 33, 0 ),           /* exit */
    /*   16 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   17 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 30, 0 ),      /* (arg 0) == archive_fd */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 29, 0 ),            /* (arg 0) == 2 */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 28, 0 ),      /* (arg 0) == logfile_fd */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, notify_fd, 27, 28 ),      /* (arg 0) == notify_fd */
    /*   22 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   23 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 25, 0 ),      /* (arg 0) == logfile_fd */
    /*   24 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 24, 25 ),     /* (arg 0) == archive_fd */
    /*   25 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   26 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 22, 23 ),     /* (arg 0) == archive_fd */
    /*   27 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   28 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, dir_fd, 0, 21 ),          /* (arg 0) == dir_fd */
    /*   29 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   30 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x88241U, 18, 19 ),       /* (arg 2) == O_WRONLY|O_CREAT|O_TRUNC|O_NOFOLLOW|O_CLOEXEC */
    /*   31 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   32 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 0, 17 ),      /* (arg 1) == archive_fd */
    /*   33 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   34 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x80000U, 14, 15 ),       /* (arg 2) == O_CLOEXEC */
    /*   35 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   36 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, dir_fd, 0, 13 ),          /* (arg 0) == dir_fd */
    /*   37 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x20U ),                   /* args[2] (int) */
    /*   38 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, dir_fd, 0, 11 ),          /* (arg 2) == dir_fd */
    /*   39 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x30U ),                   /* args[4] (int) */
    /*   40 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 8, 9 ),             /* (arg 4) == 0 */
    /*   41 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x18U ),                   /* args[1] (int) */
    /*   42 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 6, 7 ),             /* (arg 1) == 0 */
    /*   43 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   44 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 4, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   45 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 3, 4 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   46 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   47 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 1, 0 ),             /* (arg 0) == CLOCK_MONOTONIC */
    /*   48 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x0U, 0, 1 ),             /* (arg 0) == CLOCK_REALTIME */
    /*   49 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   50 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_archive_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_archive_instr_cnt;
}

#else
#error "archive seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_ARCHIVE_SECCOMP_H */
