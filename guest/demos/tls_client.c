/* tls_client: fetches one HTTPS page with mbedTLS directly (no curl), to show
 * that a guest links the SDK's mbedTLS port and speaks TLS over its ordinary
 * sockets: the relay forwards only ciphertext.
 *
 *   tls_client HOST PORT CA_FILE [PATH]
 *
 * Connects to HOST:PORT (getaddrinfo: the guest's /etc/hosts, else the relay),
 * verifies the server's certificate against CA_FILE and HOST, sends
 * "GET PATH HTTP/1.0" and copies the response to stdout. The protocol and
 * cipher suite go to stderr. Exit status: 0 on success, 1 when the certificate
 * does not verify, 2 for any other failure.
 *
 * Build: sockbridge-cc tls_client.c -lmbedtls -lmbedx509 -lmbedcrypto -o tls_client.wasm */
#include <errno.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { exit_ok = 0, exit_unverified = 1, exit_failed = 2 };

struct tls_client {
  int fd;
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context random;
  mbedtls_x509_crt trusted;
  mbedtls_ssl_config config;
  mbedtls_ssl_context ssl;
};

/** Prints what failed with mbedTLS's own text for code. */
static int fail(const char* what, int code) {
  char text[160];
  mbedtls_strerror(code, text, sizeof text);
  fprintf(stderr, "tls_client: %s: %s (-0x%04x)\n", what, text, (unsigned)-code);
  return exit_failed;
}

/* mbedTLS's transport callbacks over the socket (MBEDTLS_NET_C is off in the port). */
static int send_bytes(void* context, const unsigned char* bytes, size_t length) {
  const ssize_t sent = send(*(int*)context, bytes, length, 0);
  if (sent >= 0) return (int)sent;
  return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

static int receive_bytes(void* context, unsigned char* bytes, size_t length) {
  const ssize_t received = recv(*(int*)context, bytes, length, 0);
  if (received >= 0) return (int)received;
  return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
}

/** A connected TCP socket to host:port, or -1 (after saying why). */
static int connect_to(const char* host, const char* port) {
  const struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  struct addrinfo* found = NULL;
  const int error = getaddrinfo(host, port, &hints, &found);
  if (error != 0) {
    fprintf(stderr, "tls_client: %s: %s\n", host, gai_strerror(error));
    return -1;
  }
  int fd = -1;
  for (const struct addrinfo* at = found; at && fd < 0; at = at->ai_next) {
    fd = socket(at->ai_family, at->ai_socktype, at->ai_protocol);
    if (fd >= 0 && connect(fd, at->ai_addr, at->ai_addrlen) != 0) {
      fprintf(stderr, "tls_client: connect to %s port %s: %s\n", host, port, strerror(errno));
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

/** Sets up verification against ca_file and the server name host. */
static int configure(struct tls_client* client, const char* host, const char* ca_file) {
  int code = mbedtls_ctr_drbg_seed(&client->random, mbedtls_entropy_func, &client->entropy,
                                   (const unsigned char*)"tls_client", strlen("tls_client"));
  if (code != 0) return fail("seeding the random generator", code);
  if ((code = mbedtls_x509_crt_parse_file(&client->trusted, ca_file)) != 0) return fail(ca_file, code);
  code = mbedtls_ssl_config_defaults(&client->config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
  if (code != 0) return fail("TLS configuration", code);
  mbedtls_ssl_conf_authmode(&client->config, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&client->config, &client->trusted, NULL);
  mbedtls_ssl_conf_rng(&client->config, mbedtls_ctr_drbg_random, &client->random);
  if ((code = mbedtls_ssl_setup(&client->ssl, &client->config)) != 0) return fail("TLS setup", code);
  if ((code = mbedtls_ssl_set_hostname(&client->ssl, host)) != 0) return fail("server name", code);
  mbedtls_ssl_set_bio(&client->ssl, &client->fd, send_bytes, receive_bytes, NULL);
  return exit_ok;
}

static int handshake(struct tls_client* client) {
  int code;
  while ((code = mbedtls_ssl_handshake(&client->ssl)) != 0) {
    if (code == MBEDTLS_ERR_SSL_WANT_READ || code == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    const uint32_t flags = mbedtls_ssl_get_verify_result(&client->ssl);
    if (code == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0) {
      char reasons[512];
      mbedtls_x509_crt_verify_info(reasons, sizeof reasons, "  ", flags);
      fprintf(stderr, "tls_client: the server's certificate does not verify:\n%s", reasons);
      return exit_unverified;
    }
    return fail("handshake", code);
  }
  fprintf(stderr, "tls_client: %s, %s\n", mbedtls_ssl_get_version(&client->ssl),
          mbedtls_ssl_get_ciphersuite(&client->ssl));
  return exit_ok;
}

static int write_all(struct tls_client* client, const char* text, size_t length) {
  for (size_t done = 0; done < length;) {
    const int written = mbedtls_ssl_write(&client->ssl, (const unsigned char*)text + done, length - done);
    if (written == MBEDTLS_ERR_SSL_WANT_READ || written == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (written < 0) return fail("sending the request", written);
    done += (size_t)written;
  }
  return exit_ok;
}

/** Copies the response to stdout until the server closes: close_notify, or the end of the stream (many
 * servers close an HTTP/1.0 connection without close_notify). */
static int copy_response(struct tls_client* client) {
  unsigned char buffer[16384];
  for (;;) {
    const int received = mbedtls_ssl_read(&client->ssl, buffer, sizeof buffer);
    if (received == MBEDTLS_ERR_SSL_WANT_READ || received == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    if (received == 0 || received == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || received == MBEDTLS_ERR_SSL_CONN_EOF)
      return exit_ok;
    if (received < 0) return fail("reading the response", received);
    if (fwrite(buffer, 1, (size_t)received, stdout) != (size_t)received) return exit_failed;
  }
}

static int fetch(struct tls_client* client, const char* host, const char* port, const char* ca_file, const char* path) {
  int status = configure(client, host, ca_file);
  if (status != exit_ok) return status;
  if ((client->fd = connect_to(host, port)) < 0) return exit_failed;
  if ((status = handshake(client)) != exit_ok) return status;
  char request[1024];
  const int length =
      snprintf(request, sizeof request, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
  if (length < 0 || (size_t)length >= sizeof request) {
    fprintf(stderr, "tls_client: the path is too long\n");
    return exit_failed;
  }
  if ((status = write_all(client, request, (size_t)length)) != exit_ok) return status;
  if ((status = copy_response(client)) != exit_ok) return status;
  mbedtls_ssl_close_notify(&client->ssl);
  return exit_ok;
}

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: tls_client HOST PORT CA_FILE [PATH]\n");
    return exit_failed;
  }
  struct tls_client client = {.fd = -1};
  mbedtls_entropy_init(&client.entropy);
  mbedtls_ctr_drbg_init(&client.random);
  mbedtls_x509_crt_init(&client.trusted);
  mbedtls_ssl_config_init(&client.config);
  mbedtls_ssl_init(&client.ssl);
  const int status = fetch(&client, argv[1], argv[2], argv[3], argc == 5 ? argv[4] : "/");
  if (client.fd >= 0) close(client.fd);
  mbedtls_ssl_free(&client.ssl);
  mbedtls_ssl_config_free(&client.config);
  mbedtls_x509_crt_free(&client.trusted);
  mbedtls_ctr_drbg_free(&client.random);
  mbedtls_entropy_free(&client.entropy);
  return status;
}
