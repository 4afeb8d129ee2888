/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from xdpdump/sandbox/policies/archive.seccomppolicy.
   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */
#ifndef XDPDUMP_GENERATED_ARCHIVE_SECCOMP_H
#define XDPDUMP_GENERATED_ARCHIVE_SECCOMP_H

#include <linux/filter.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)

#define sock_filter_policy_archive_instr_cnt 25

static inline unsigned long
populate_sock_filter_policy_archive( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int archive_fd ) {
  if( out_cnt < sock_filter_policy_archive_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_archive_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc000003eU, 0, 22 ),     /* AUDIT_ARCH_X86_64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 20, 0 ),     /* x32 syscall bit */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x1U, 9, 0 ),             /* write */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4aU, 12, 0 ),           /* fsync */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x4dU, 14, 0 ),           /* ftruncate */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x10fU, 15, 0 ),          /* ppoll */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe6U, 14, 0 ),           /* clock_nanosleep */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe4U, 13, 0 ),           /* clock_gettime */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xfU, 12, 0 ),            /* rt_sigreturn */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xe7U, 11, 0 ),           /* exit_group */
    /*   12 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x3cU, 10, 0 ),           /* exit */
    /*   13 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   14 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 7, 0 ),       /* (arg 0) == archive_fd */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 6, 0 ),             /* (arg 0) == 2 */
    /*   17 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 5, 6 ),       /* (arg 0) == logfile_fd */
    /*   18 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 3, 0 ),       /* (arg 0) == logfile_fd */
    /*   20 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 2, 3 ),       /* (arg 0) == archive_fd */
    /*   21 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   22 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 0, 1 ),       /* (arg 0) == archive_fd */
    /*   23 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   24 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_archive_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_archive_instr_cnt;
}

#elif defined(__aarch64__)

#define sock_filter_policy_archive_instr_cnt 24

static inline unsigned long
populate_sock_filter_policy_archive( unsigned long out_cnt, struct sock_filter * out, unsigned int logfile_fd, unsigned int archive_fd ) {
  if( out_cnt < sock_filter_policy_archive_instr_cnt ) return 0UL;
  struct sock_filter const filter[ sock_filter_policy_archive_instr_cnt ] = {
    /*    0 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x4U ),                    /* arch */
    /*    1 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0xc00000b7U, 0, 21 ),     /* AUDIT_ARCH_AARCH64 */
    /*    2 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x0U ),                    /* nr */
    /*    3 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x40U, 9, 0 ),            /* write */
    /*    4 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x52U, 12, 0 ),           /* fsync */
    /*    5 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2eU, 14, 0 ),           /* ftruncate */
    /*    6 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x49U, 15, 0 ),           /* ppoll */
    /*    7 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x73U, 14, 0 ),           /* clock_nanosleep */
    /*    8 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x71U, 13, 0 ),           /* clock_gettime */
    /*    9 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x8bU, 12, 0 ),           /* rt_sigreturn */
    /*   10 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5eU, 11, 0 ),           /* exit_group */
    /*   11 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x5dU, 10, 0 ),           /* exit */
    /*   12 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS: syscall not in the policy */
    /*   13 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   14 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 7, 0 ),       /* (arg 0) == archive_fd */
    /*   15 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, 0x2U, 6, 0 ),             /* (arg 0) == 2 */
    /*   16 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 5, 6 ),       /* (arg 0) == logfile_fd */
    /*   17 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   18 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, logfile_fd, 3, 0 ),       /* (arg 0) == logfile_fd */
    /*   19 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 2, 3 ),       /* (arg 0) == archive_fd */
    /*   20 */ BPF_STMT( BPF_LD | BPF_W | BPF_ABS, 0x10U ),                   /* args[0] (int) */
    /*   21 */ BPF_JUMP( BPF_JMP | BPF_JEQ | BPF_K, archive_fd, 0, 1 ),       /* (arg 0) == archive_fd */
    /*   22 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_ALLOW ),                /* ALLOW */
    /*   23 */ BPF_STMT( BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS ),         /* KILL_PROCESS */
  };
  for( unsigned long i=0UL; i<sock_filter_policy_archive_instr_cnt; i++ ) out[ i ] = filter[ i ];
  return sock_filter_policy_archive_instr_cnt;
}

#else
#error "archive seccomp policy: unsupported architecture"
#endif

#endif /* XDPDUMP_GENERATED_ARCHIVE_SECCOMP_H */
