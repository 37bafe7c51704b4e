#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <curl/curl.h>

/*
 * curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call. Each wrapper below
 * passes exactly one argument type, the one libcurl documents for the options it is used with:
 *
 *   long         CURLOPT_POST, CURLOPT_TIMEOUT_MS, CURLOPT_NOSIGNAL, CURLOPT_VERBOSE, ...
 *   const char * CURLOPT_URL, CURLOPT_USERAGENT, CURLOPT_ACCEPT_ENCODING, ... (libcurl copies it)
 *   const void * CURLOPT_POSTFIELDS (not copied: keep it alive until the transfer ends),
 *                CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_PRIVATE, ...
 *   curl_off_t   CURLOPT_POSTFIELDSIZE_LARGE, CURLOPT_MAX_SEND_SPEED_LARGE, ...
 *   curl_slist * CURLOPT_HTTPHEADER
 */

/* The shape of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION callbacks. */
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *user_data);

static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_WRITEFUNCTION: called with each piece of the response body. */
static inline CURLcode ccurl_easy_setopt_write_function(CURL *handle, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

/* CURLOPT_HEADERFUNCTION: called with each complete response header line. */
static inline CURLcode ccurl_easy_setopt_header_function(CURL *handle, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

/* The shape of a CURLOPT_XFERINFOFUNCTION callback; returning non-zero aborts the transfer. */
typedef int (*ccurl_xferinfo_callback)(void *user_data, curl_off_t download_total, curl_off_t download_now,
                                       curl_off_t upload_total, curl_off_t upload_now);

/* CURLOPT_XFERINFOFUNCTION: called while a transfer runs (needs CURLOPT_NOPROGRESS 0). */
static inline CURLcode ccurl_easy_setopt_xferinfo_function(CURL *handle, ccurl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

/* CURLINFO_RESPONSE_CODE, CURLINFO_OS_ERRNO, ... */
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* CURLINFO_TOTAL_TIME, ... (seconds) */
static inline CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* CURLINFO_TOTAL_TIME_T, CURLINFO_SIZE_UPLOAD_T, CURLINFO_RETRY_AFTER, ... */
static inline CURLcode ccurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/* CURLINFO_EFFECTIVE_URL, CURLINFO_CONTENT_TYPE, ... (owned by the handle; do not free) */
static inline CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif /* CCURL_SHIM_H */
