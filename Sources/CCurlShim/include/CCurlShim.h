#ifndef STOCKROOM_CCURLSHIM_H
#define STOCKROOM_CCURLSHIM_H
#include <curl/curl.h>

/* curl_easy_setopt is variadic, which Swift cannot call: one non-variadic wrapper per argument type. */
CURLcode shim_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode shim_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode shim_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode shim_curl_setopt_read_function(CURL *handle, size_t (*function)(char *, size_t, size_t, void *));
CURLcode shim_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
