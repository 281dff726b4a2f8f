#ifndef VERIFY_CCURL_SHIM_H
#define VERIFY_CCURL_SHIM_H

/* libcurl, and typed doors into its variadic calls. curl_easy_setopt, curl_multi_setopt and
   curl_easy_getinfo take `...`, which Swift cannot call; each wrapper below passes one argument
   type through unchanged and returns curl's code. Only Sources/Verifier/LibCurl uses them. */
#include <curl/curl.h>

/* curl_global_init's flags, as a plain value (the macro is a shift Swift may not import). */
static const long verify_curl_global_default = CURL_GLOBAL_DEFAULT;

/* CURLPIPE_MULTIPLEX, for CURLMOPT_PIPELINING. */
static const long verify_curl_pipe_multiplex = CURLPIPE_MULTIPLEX;

/* The size curl writes into CURLOPT_ERRORBUFFER, terminator included. */
static const int verify_curl_error_size = CURL_ERROR_SIZE;

/* CURL_SOCKET_TIMEOUT, the socket curl_multi_socket_action takes when a timer fired. */
static const curl_socket_t verify_curl_socket_timeout = CURL_SOCKET_TIMEOUT;

/* CURL_SOCKET_BAD, what an open-socket callback returns when it cannot open one. */
static const curl_socket_t verify_curl_socket_bad = CURL_SOCKET_BAD;

/* MARK: curl_easy_setopt */

static inline CURLcode verify_curl_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode verify_curl_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}

/* curl copies the string (except for CURLOPT_ERRORBUFFER and the like, which take a pointer). */
static inline CURLcode verify_curl_easy_setopt_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode verify_curl_easy_setopt_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode verify_curl_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(easy, option, value);
}

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION. */
static inline CURLcode verify_curl_easy_setopt_write_callback(CURL *easy, CURLoption option, curl_write_callback callback) {
    return curl_easy_setopt(easy, option, callback);
}

/* CURLOPT_OPENSOCKETFUNCTION. */
static inline CURLcode verify_curl_easy_setopt_opensocket_callback(CURL *easy, curl_opensocket_callback callback) {
    return curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, callback);
}

/* CURLOPT_CLOSESOCKETFUNCTION. */
static inline CURLcode verify_curl_easy_setopt_closesocket_callback(CURL *easy, curl_closesocket_callback callback) {
    return curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, callback);
}

/* MARK: curl_multi_setopt */

static inline CURLMcode verify_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

static inline CURLMcode verify_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value) {
    return curl_multi_setopt(multi, option, value);
}

/* CURLMOPT_SOCKETFUNCTION. */
static inline CURLMcode verify_curl_multi_setopt_socket_callback(CURLM *multi, curl_socket_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, callback);
}

/* CURLMOPT_TIMERFUNCTION. */
static inline CURLMcode verify_curl_multi_setopt_timer_callback(CURLM *multi, curl_multi_timer_callback callback) {
    return curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, callback);
}

/* MARK: curl_easy_getinfo */

static inline CURLcode verify_curl_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}

static inline CURLcode verify_curl_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(easy, info, value);
}

/* The string stays curl's, valid until the easy handle is cleaned up; NULL when curl has none. */
static inline CURLcode verify_curl_easy_getinfo_string(CURL *easy, CURLINFO info, const char **value) {
    return curl_easy_getinfo(easy, info, value);
}

#endif
