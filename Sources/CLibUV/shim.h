#ifndef VERIFY_CLIBUV_SHIM_H
#define VERIFY_CLIBUV_SHIM_H

/* libuv, and nothing else: the Linux calls libuv does not wrap are in CVerifyLinux. */
#include <uv.h>

#endif
