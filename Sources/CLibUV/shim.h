#ifndef VERIFY_CLIBUV_SHIM_H
#define VERIFY_CLIBUV_SHIM_H

#include <uv.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* prctl(2) is variadic, which Swift cannot call directly. */
static inline int verify_set_parent_death_signal(int signum) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signum, 0UL, 0UL, 0UL);
}

#endif
