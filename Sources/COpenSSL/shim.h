#ifndef VERIFY_COPENSSL_SHIM_H
#define VERIFY_COPENSSL_SHIM_H

/* OpenSSL's libcrypto, for its SHA-256 (EVP): the library libcurl links already. */
#include <openssl/evp.h>

#endif
