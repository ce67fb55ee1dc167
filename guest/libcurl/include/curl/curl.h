/*
 * curl/curl.h for sockbridge guests: a libcurl-compatible easy API (plain
 * HTTP/1.1 over the guest's POSIX sockets). Programs written for libcurl's
 * easy interface compile unchanged against it; names, numeric values and
 * error messages are those of libcurl 7.88, so a program behaves the same
 * whichever library it is linked with. guest/README.md lists what is
 * supported and what is not.
 *
 * Ownership follows libcurl: strings passed to curl_easy_setopt are copied
 * (except CURLOPT_POSTFIELDS, which must stay valid until the transfer is
 * done, and CURLOPT_ERRORBUFFER, a buffer of CURL_ERROR_SIZE bytes the caller
 * owns); a curl_slist passed with CURLOPT_HTTPHEADER stays the caller's;
 * strings returned by curl_easy_getinfo belong to the handle and live until
 * the next perform, reset or cleanup.
 */
#ifndef SOCKBRIDGE_CURL_CURL_H
#define SOCKBRIDGE_CURL_CURL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBCURL_VERSION "7.88.1-sockbridge"
#define LIBCURL_VERSION_MAJOR 7
#define LIBCURL_VERSION_MINOR 88
#define LIBCURL_VERSION_PATCH 1
#define LIBCURL_VERSION_NUM 0x075801

typedef struct Curl_easy CURL;
typedef int64_t curl_off_t;

/* Every CURLcode with libcurl's number (its position) and curl_easy_strerror text. */
#define SB_CURLCODE_TABLE(X)                                                                                        \
  X(CURLE_OK, "No error")                                                                                           \
  X(CURLE_UNSUPPORTED_PROTOCOL, "Unsupported protocol")                                                             \
  X(CURLE_FAILED_INIT, "Failed initialization")                                                                     \
  X(CURLE_URL_MALFORMAT, "URL using bad/illegal format or missing URL")                                             \
  X(CURLE_NOT_BUILT_IN,                                                                                             \
    "A requested feature, protocol or option was not found built-in in this libcurl due to a build-time decision.") \
  X(CURLE_COULDNT_RESOLVE_PROXY, "Couldn't resolve proxy name")                                                     \
  X(CURLE_COULDNT_RESOLVE_HOST, "Couldn't resolve host name")                                                       \
  X(CURLE_COULDNT_CONNECT, "Couldn't connect to server")                                                            \
  X(CURLE_WEIRD_SERVER_REPLY, "Weird server reply")                                                                 \
  X(CURLE_REMOTE_ACCESS_DENIED, "Access denied to remote resource")                                                 \
  X(CURLE_FTP_ACCEPT_FAILED, "FTP: The server failed to connect to data port")                                      \
  X(CURLE_FTP_WEIRD_PASS_REPLY, "FTP: unknown PASS reply")                                                          \
  X(CURLE_FTP_ACCEPT_TIMEOUT, "FTP: Accepting server connect has timed out")                                        \
  X(CURLE_FTP_WEIRD_PASV_REPLY, "FTP: unknown PASV reply")                                                          \
  X(CURLE_FTP_WEIRD_227_FORMAT, "FTP: unknown 227 response format")                                                 \
  X(CURLE_FTP_CANT_GET_HOST, "FTP: can't figure out the host in the PASV response")                                 \
  X(CURLE_HTTP2, "Error in the HTTP2 framing layer")                                                                \
  X(CURLE_FTP_COULDNT_SET_TYPE, "FTP: couldn't set file type")                                                      \
  X(CURLE_PARTIAL_FILE, "Transferred a partial file")                                                               \
  X(CURLE_FTP_COULDNT_RETR_FILE, "FTP: couldn't retrieve (RETR failed) the specified file")                         \
  X(CURLE_OBSOLETE20, "Unknown error")                                                                              \
  X(CURLE_QUOTE_ERROR, "Quote command returned error")                                                              \
  X(CURLE_HTTP_RETURNED_ERROR, "HTTP response code said error")                                                     \
  X(CURLE_WRITE_ERROR, "Failed writing received data to disk/application")                                          \
  X(CURLE_OBSOLETE24, "Unknown error")                                                                              \
  X(CURLE_UPLOAD_FAILED, "Upload failed (at start/before it took off)")                                             \
  X(CURLE_READ_ERROR, "Failed to open/read local data from file/application")                                       \
  X(CURLE_OUT_OF_MEMORY, "Out of memory")                                                                           \
  X(CURLE_OPERATION_TIMEDOUT, "Timeout was reached")                                                                \
  X(CURLE_OBSOLETE29, "Unknown error")                                                                              \
  X(CURLE_FTP_PORT_FAILED, "FTP: command PORT failed")                                                              \
  X(CURLE_FTP_COULDNT_USE_REST, "FTP: command REST failed")                                                         \
  X(CURLE_OBSOLETE32, "Unknown error")                                                                              \
  X(CURLE_RANGE_ERROR, "Requested range was not delivered by the server")                                           \
  X(CURLE_HTTP_POST_ERROR, "Internal problem setting up the POST")                                                  \
  X(CURLE_SSL_CONNECT_ERROR, "SSL connect error")                                                                   \
  X(CURLE_BAD_DOWNLOAD_RESUME, "Couldn't resume download")                                                          \
  X(CURLE_FILE_COULDNT_READ_FILE, "Couldn't read a file:// file")                                                   \
  X(CURLE_LDAP_CANNOT_BIND, "LDAP: cannot bind")                                                                    \
  X(CURLE_LDAP_SEARCH_FAILED, "LDAP: search failed")                                                                \
  X(CURLE_OBSOLETE40, "Unknown error")                                                                              \
  X(CURLE_FUNCTION_NOT_FOUND, "A required function in the library was not found")                                   \
  X(CURLE_ABORTED_BY_CALLBACK, "Operation was aborted by an application callback")                                  \
  X(CURLE_BAD_FUNCTION_ARGUMENT, "A libcurl function was given a bad argument")                                     \
  X(CURLE_OBSOLETE44, "Unknown error")                                                                              \
  X(CURLE_INTERFACE_FAILED, "Failed binding local connection end")                                                  \
  X(CURLE_OBSOLETE46, "Unknown error")                                                                              \
  X(CURLE_TOO_MANY_REDIRECTS, "Number of redirects hit maximum amount")                                             \
  X(CURLE_UNKNOWN_OPTION, "An unknown option was passed in to libcurl")                                             \
  X(CURLE_SETOPT_OPTION_SYNTAX, "Malformed option provided in a setopt")                                            \
  X(CURLE_OBSOLETE50, "Unknown error")                                                                              \
  X(CURLE_OBSOLETE51, "Unknown error")                                                                              \
  X(CURLE_GOT_NOTHING, "Server returned nothing (no headers, no data)")                                             \
  X(CURLE_SSL_ENGINE_NOTFOUND, "SSL crypto engine not found")                                                       \
  X(CURLE_SSL_ENGINE_SETFAILED, "Can not set SSL crypto engine as default")                                         \
  X(CURLE_SEND_ERROR, "Failed sending data to the peer")                                                            \
  X(CURLE_RECV_ERROR, "Failure when receiving data from the peer")                                                  \
  X(CURLE_OBSOLETE57, "Unknown error")                                                                              \
  X(CURLE_SSL_CERTPROBLEM, "Problem with the local SSL certificate")                                                \
  X(CURLE_SSL_CIPHER, "Couldn't use specified SSL cipher")                                                          \
  X(CURLE_PEER_FAILED_VERIFICATION, "SSL peer certificate or SSH remote key was not OK")                            \
  X(CURLE_BAD_CONTENT_ENCODING, "Unrecognized or bad HTTP Content or Transfer-Encoding")                            \
  X(CURLE_OBSOLETE62, "Unknown error")                                                                              \
  X(CURLE_FILESIZE_EXCEEDED, "Maximum file size exceeded")                                                          \
  X(CURLE_USE_SSL_FAILED, "Requested SSL level failed")                                                             \
  X(CURLE_SEND_FAIL_REWIND, "Send failed since rewinding of the data stream failed")                                \
  X(CURLE_SSL_ENGINE_INITFAILED, "Failed to initialise SSL crypto engine")                                          \
  X(CURLE_LOGIN_DENIED, "Login denied")                                                                             \
  X(CURLE_TFTP_NOTFOUND, "TFTP: File Not Found")                                                                    \
  X(CURLE_TFTP_PERM, "TFTP: Access Violation")                                                                      \
  X(CURLE_REMOTE_DISK_FULL, "Disk full or allocation exceeded")                                                     \
  X(CURLE_TFTP_ILLEGAL, "TFTP: Illegal operation")                                                                  \
  X(CURLE_TFTP_UNKNOWNID, "TFTP: Unknown transfer ID")                                                              \
  X(CURLE_REMOTE_FILE_EXISTS, "Remote file already exists")                                                         \
  X(CURLE_TFTP_NOSUCHUSER, "TFTP: No such user")                                                                    \
  X(CURLE_OBSOLETE75, "Unknown error")                                                                              \
  X(CURLE_OBSOLETE76, "Unknown error")                                                                              \
  X(CURLE_SSL_CACERT_BADFILE, "Problem with the SSL CA cert (path? access rights?)")                                \
  X(CURLE_REMOTE_FILE_NOT_FOUND, "Remote file not found")                                                           \
  X(CURLE_SSH, "Error in the SSH layer")                                                                            \
  X(CURLE_SSL_SHUTDOWN_FAILED, "Failed to shut down the SSL connection")                                            \
  X(CURLE_AGAIN, "Socket not ready for send/recv")                                                                  \
  X(CURLE_SSL_CRL_BADFILE, "Failed to load CRL file (path? access rights?, format?)")                               \
  X(CURLE_SSL_ISSUER_ERROR, "Issuer check against peer certificate failed")                                         \
  X(CURLE_FTP_PRET_FAILED, "FTP: The server did not accept the PRET command.")                                      \
  X(CURLE_RTSP_CSEQ_ERROR, "RTSP CSeq mismatch or invalid CSeq")                                                    \
  X(CURLE_RTSP_SESSION_ERROR, "RTSP session error")                                                                 \
  X(CURLE_FTP_BAD_FILE_LIST, "Unable to parse FTP file list")                                                       \
  X(CURLE_CHUNK_FAILED, "Chunk callback failed")                                                                    \
  X(CURLE_NO_CONNECTION_AVAILABLE, "The max connection limit is reached")                                           \
  X(CURLE_SSL_PINNEDPUBKEYNOTMATCH, "SSL public key does not match pinned public key")                              \
  X(CURLE_SSL_INVALIDCERTSTATUS, "SSL server certificate status verification FAILED")                               \
  X(CURLE_HTTP2_STREAM, "Stream error in the HTTP/2 framing layer")                                                 \
  X(CURLE_RECURSIVE_API_CALL, "API function called from within callback")                                           \
  X(CURLE_AUTH_ERROR, "An authentication function returned an error")                                               \
  X(CURLE_HTTP3, "HTTP/3 error")                                                                                    \
  X(CURLE_QUIC_CONNECT_ERROR, "QUIC connection error")                                                              \
  X(CURLE_PROXY, "proxy handshake error")                                                                           \
  X(CURLE_SSL_CLIENTCERT, "SSL Client Certificate required")                                                        \
  X(CURLE_UNRECOVERABLE_POLL, "Unrecoverable error in select/poll")

typedef enum {
#define SB_CURLCODE_ENUM(name, message) name,
  SB_CURLCODE_TABLE(SB_CURLCODE_ENUM)
#undef SB_CURLCODE_ENUM
      CURL_LAST
} CURLcode;

/* Option numbers: libcurl's type bases plus its option numbers. */
#define CURLOPTTYPE_LONG 0
#define CURLOPTTYPE_OBJECTPOINT 10000
#define CURLOPTTYPE_FUNCTIONPOINT 20000
#define CURLOPTTYPE_OFF_T 30000
#define CURLOPTTYPE_STRINGPOINT CURLOPTTYPE_OBJECTPOINT
#define CURLOPTTYPE_SLISTPOINT CURLOPTTYPE_OBJECTPOINT
#define CURLOPTTYPE_CBPOINT CURLOPTTYPE_OBJECTPOINT

typedef enum {
  CURLOPT_WRITEDATA = CURLOPTTYPE_CBPOINT + 1,
  CURLOPT_URL = CURLOPTTYPE_STRINGPOINT + 2,
  CURLOPT_ERRORBUFFER = CURLOPTTYPE_OBJECTPOINT + 10,
  CURLOPT_WRITEFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 11,
  CURLOPT_TIMEOUT = CURLOPTTYPE_LONG + 13,
  CURLOPT_POSTFIELDS = CURLOPTTYPE_OBJECTPOINT + 15,
  CURLOPT_USERAGENT = CURLOPTTYPE_STRINGPOINT + 18,
  CURLOPT_HTTPHEADER = CURLOPTTYPE_SLISTPOINT + 23,
  CURLOPT_HEADERDATA = CURLOPTTYPE_CBPOINT + 29,
  CURLOPT_CUSTOMREQUEST = CURLOPTTYPE_STRINGPOINT + 36,
  CURLOPT_STDERR = CURLOPTTYPE_OBJECTPOINT + 37,
  CURLOPT_VERBOSE = CURLOPTTYPE_LONG + 41,
  CURLOPT_HEADER = CURLOPTTYPE_LONG + 42,
  CURLOPT_NOPROGRESS = CURLOPTTYPE_LONG + 43,
  CURLOPT_NOBODY = CURLOPTTYPE_LONG + 44,
  CURLOPT_FAILONERROR = CURLOPTTYPE_LONG + 45,
  CURLOPT_POST = CURLOPTTYPE_LONG + 47,
  CURLOPT_FOLLOWLOCATION = CURLOPTTYPE_LONG + 52,
  CURLOPT_POSTFIELDSIZE = CURLOPTTYPE_LONG + 60,
  CURLOPT_MAXREDIRS = CURLOPTTYPE_LONG + 68,
  CURLOPT_CONNECTTIMEOUT = CURLOPTTYPE_LONG + 78,
  CURLOPT_HEADERFUNCTION = CURLOPTTYPE_FUNCTIONPOINT + 79,
  CURLOPT_HTTPGET = CURLOPTTYPE_LONG + 80,
  CURLOPT_NOSIGNAL = CURLOPTTYPE_LONG + 99,
  CURLOPT_PRIVATE = CURLOPTTYPE_OBJECTPOINT + 103,
  CURLOPT_POSTFIELDSIZE_LARGE = CURLOPTTYPE_OFF_T + 120,
  CURLOPT_TCP_NODELAY = CURLOPTTYPE_LONG + 121,
  CURLOPT_TIMEOUT_MS = CURLOPTTYPE_LONG + 155,
  CURLOPT_CONNECTTIMEOUT_MS = CURLOPTTYPE_LONG + 156,
  CURLOPT_COPYPOSTFIELDS = CURLOPTTYPE_OBJECTPOINT + 165
} CURLoption;

#define CURLINFO_STRING 0x100000
#define CURLINFO_LONG 0x200000
#define CURLINFO_DOUBLE 0x300000
#define CURLINFO_SLIST 0x400000
#define CURLINFO_PTR 0x400000
#define CURLINFO_OFF_T 0x600000
#define CURLINFO_MASK 0x0fffff
#define CURLINFO_TYPEMASK 0xf00000

typedef enum {
  CURLINFO_NONE = 0,
  CURLINFO_EFFECTIVE_URL = CURLINFO_STRING + 1,
  CURLINFO_RESPONSE_CODE = CURLINFO_LONG + 2,
  CURLINFO_TOTAL_TIME = CURLINFO_DOUBLE + 3,
  CURLINFO_SIZE_DOWNLOAD = CURLINFO_DOUBLE + 8,
  CURLINFO_SIZE_DOWNLOAD_T = CURLINFO_OFF_T + 8,
  CURLINFO_HEADER_SIZE = CURLINFO_LONG + 11,
  CURLINFO_CONTENT_LENGTH_DOWNLOAD_T = CURLINFO_OFF_T + 15,
  CURLINFO_CONTENT_TYPE = CURLINFO_STRING + 18,
  CURLINFO_REDIRECT_COUNT = CURLINFO_LONG + 20,
  CURLINFO_PRIVATE = CURLINFO_STRING + 21,
  CURLINFO_NUM_CONNECTS = CURLINFO_LONG + 26,
  CURLINFO_REDIRECT_URL = CURLINFO_STRING + 31,
  CURLINFO_PRIMARY_IP = CURLINFO_STRING + 32,
  CURLINFO_PRIMARY_PORT = CURLINFO_LONG + 40,
  CURLINFO_HTTP_VERSION = CURLINFO_LONG + 46,
  CURLINFO_TOTAL_TIME_T = CURLINFO_OFF_T + 50,
  CURLINFO_EFFECTIVE_METHOD = CURLINFO_STRING + 58
} CURLINFO;

#define CURLINFO_HTTP_CODE CURLINFO_RESPONSE_CODE

enum { CURL_HTTP_VERSION_NONE, CURL_HTTP_VERSION_1_0, CURL_HTTP_VERSION_1_1 };

/* Size of the buffer given with CURLOPT_ERRORBUFFER. */
#define CURL_ERROR_SIZE 256
/* The most body bytes one write callback call receives. */
#define CURL_MAX_WRITE_SIZE 16384
/* Returned by a write callback to make the transfer fail with CURLE_WRITE_ERROR. */
#define CURL_WRITEFUNC_ERROR 0xFFFFFFFF

#define CURL_GLOBAL_SSL (1 << 0)
#define CURL_GLOBAL_WIN32 (1 << 1)
#define CURL_GLOBAL_ALL (CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32)
#define CURL_GLOBAL_NOTHING 0
#define CURL_GLOBAL_DEFAULT CURL_GLOBAL_ALL

/* CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION: return size * count to go
 * on; anything else fails the transfer with CURLE_WRITE_ERROR. The header
 * callback gets one complete header line (with its CRLF) per call. */
typedef size_t (*curl_write_callback)(char* data, size_t size, size_t count, void* userdata);

/* A singly linked list of strings (for CURLOPT_HTTPHEADER). */
struct curl_slist {
  char* data;
  struct curl_slist* next;
};

/* Appends a copy of text; returns the new head, or NULL (list unchanged) when out of memory. */
struct curl_slist* curl_slist_append(struct curl_slist* list, const char* text);
/* Frees every node and its string. */
void curl_slist_free_all(struct curl_slist* list);

/* Nothing to set up here; kept for libcurl's contract (call once before any handle). */
CURLcode curl_global_init(long flags);
void curl_global_cleanup(void);
/* "libcurl/7.88.1-sockbridge": this library's name and the libcurl API level it follows. */
char* curl_version(void);

/* A new handle with default options, or NULL when out of memory. */
CURL* curl_easy_init(void);
/* Sets one option; the third argument's type is the option's (long, pointer,
 * function pointer or curl_off_t). CURLE_UNKNOWN_OPTION for options this
 * library does not have, CURLE_BAD_FUNCTION_ARGUMENT for bad values. */
CURLcode curl_easy_setopt(CURL* handle, CURLoption option, ...);
/* Runs the transfer: blocks until done, failed or timed out. An idle
 * keep-alive connection from the previous perform to the same host and port is reused. */
CURLcode curl_easy_perform(CURL* handle);
/* Reads one piece of information about the last transfer into the pointer
 * given as third argument (long *, double *, char ** or curl_off_t *). */
CURLcode curl_easy_getinfo(CURL* handle, CURLINFO info, ...);
/* Closes the handle's connection and frees it. NULL is allowed. */
void curl_easy_cleanup(CURL* handle);
/* Back to default options; the open connection is kept for reuse. */
void curl_easy_reset(CURL* handle);
/* A new handle with the same options (no connection, no last-transfer info). */
CURL* curl_easy_duphandle(CURL* handle);
/* The static English text of a CURLcode. */
const char* curl_easy_strerror(CURLcode code);

#ifdef __cplusplus
}
#endif

#endif
