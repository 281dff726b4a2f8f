#ifndef VERIFY_CLIBUV_SHIM_H
#define VERIFY_CLIBUV_SHIM_H

#include <uv.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* prctl(2) is variadic, which Swift cannot call directly. */
static inline int verify_set_parent_death_signal(int signum) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signum, 0UL, 0UL, 0UL);
}

/* A descriptor that becomes readable when process `pid` exits (Linux 5.3+; always close-on-exec),
   or -1 with errno set. syscall(2) is variadic, which Swift cannot call directly. */
static inline int verify_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

/* How child `pid` ended, without reaping it (WNOWAIT), so that whoever reaps it still can.
   Returns 1 and sets *exit_code (or *signal_number) once it has ended, 0 while it runs, -1 on error. */
static inline int verify_peek_exit(pid_t pid, int *exit_code, int *signal_number) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT | WNOHANG) != 0) return -1;
    if (info.si_pid == 0) return 0;
    if (info.si_code == CLD_EXITED) {
        *exit_code = info.si_status;
        *signal_number = 0;
    } else {
        *exit_code = -1;
        *signal_number = info.si_status;
    }
    return 1;
}

#endif
