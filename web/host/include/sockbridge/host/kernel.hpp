// kernel: the guest's socket layer — fd table, per-socket state machines,
// errno — speaking Wisp to the relay. Sans-IO: it never touches a WebSocket.
//
// Inputs: guest calls (sock_*) and transport events (on_frame,
// on_transport_closed). Outputs: frames to send (outgoing queue) and the
// return values of the calls.
//
// Error contract: every sock_* returns >= 0 on success or -errno (WASI
// numbering, posix_sockets.h). A call on a blocking socket that cannot finish
// yet returns `would_block`: the caller (shim-js) must wait until the kernel
// has received another transport event and then repeat the *same* call with
// the same arguments; the kernel recognises the retry and completes it.
// Guest buffers are only accessed through guest_memory, during the call.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sockbridge/host/byte_queue.hpp"
#include "sockbridge/host/guest_memory.hpp"
#include "sockbridge/host/socket_address.hpp"
#include "sockbridge/protocol/extensions.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::host {

// Returned to shim-js only: "park the guest until the next transport event, then retry".
inline constexpr std::int32_t would_block = -0x10000;

// Largest UDP datagram a guest may send (the wire's limit, IPv4's).
using protocol::max_datagram_bytes;
// Datagrams queued for the guest per UDP socket; more are dropped, as a full
// socket buffer drops them (the relay→browser direction has no backpressure for UDP).
inline constexpr std::size_t max_queued_datagrams = 256;
// Largest DATA payload the kernel puts in one frame.
inline constexpr std::size_t max_data_payload_bytes = 64 * 1024;
// First fd handed out to sockets; 0, 1, 2 are stdio.
inline constexpr std::int32_t first_socket_fd = 3;
// Upper bound on fds open at once, counting every fd that dup() made (several
// fds may name one socket, pipe end, file or stdio stream): more is EMFILE,
// and dup2() to a number at or above it is EBADF, as above RLIMIT_NOFILE.
inline constexpr std::int32_t max_open_fds = 4096;
// Upper bound on open sockets per guest.
inline constexpr std::size_t max_open_sockets = 1024;
// Upper bound on fds of other kinds (open files and directories) per guest.
inline constexpr std::size_t max_open_files = 1024;
// What SO_SNDBUF / SO_RCVBUF report until set (the kernel keeps no fixed-size buffers).
inline constexpr std::int32_t default_socket_buffer_bytes = 256 * 1024;
// Relay→guest byte window of each TCP stream, when the relay honours windows
// (sockbridge extension): the relay sends at most this many bytes the guest has
// not read yet, so a socket's receive buffer never holds more. Half of it read
// is re-granted with one WINDOW_UPDATE. 4 MiB, not 1: the grant's round trip
// crosses the browser's threads, and on a busy machine 1 MiB (four of the
// relay's 256 KiB reads) ran dry while it did; a 64 MiB download went from
// 73 to 93 MB/s (JSPI) and 69 to 99 (Asyncify) in bench/browser's Chromium.
inline constexpr std::uint32_t stream_receive_window_bytes = 4 * 1024 * 1024;

// Bytes one direction of a local pipe or socket pair holds (Linux's default
// pipe size): a writer then waits, or gets EAGAIN when non-blocking.
inline constexpr std::size_t local_buffer_bytes = 64 * 1024;
// PIPE_BUF: a write of at most this many bytes goes in whole or waits.
inline constexpr std::size_t local_atomic_write_bytes = 4096;
// socket::type of a pipe end (WASI's "unknown" file type: WASI has no FIFOs).
inline constexpr std::int32_t pipe_type = 0;

// Status of a name lookup whose answer can never come (the relay link closed).
inline constexpr std::uint8_t resolve_status_link_lost = 0xff;

// Milliseconds on a monotonic clock; injected so tests control time.
using clock_ms = std::function<std::uint64_t()>;
std::uint64_t steady_clock_ms();

// A socket's life; one value, so no two stages can be claimed at once.
enum class socket_state {
  created,     // no stream yet
  connecting,  // CONNECT sent (or held for the handshake); waiting for the relay's answer
  // TCP connected optimistically (Wisp without stream-open confirmation) and
  // nothing has come back on the stream yet: a CLOSE now means the connect failed.
  unconfirmed,
  connected,      // TCP: the stream is open both ways; UDP: sends go to `peer` only
  peer_finished,  // TCP: the peer sent its end of stream; recv returns 0 once `received` is empty
  listen_pending,
  listening,
  // UDP with a port of its own on the relay (sockbridge UDP_BIND): waiting for
  // the relay's answer, then bound with no peer (sendto/recvfrom any address).
  // A bound socket that connect()s becomes connected and keeps its port.
  bind_pending,
  bound,
  closed,  // the stream ended (pending_error says why, if it failed) or the link was lost
};

// True once a connect has succeeded and until the stream closes: send() may go,
// getpeername() answers, connect() again is EISCONN.
constexpr bool is_connected(socket_state state) {
  return state == socket_state::unconfirmed || state == socket_state::connected || state == socket_state::peer_finished;
}

// The directions shutdown() closed (SB_SHUT_RD, SB_SHUT_WR, or both): each may
// be shut alone, in either order, and stays shut after the stream closes.
class shut_directions {
 public:
  // how: SB_SHUT_RD, SB_SHUT_WR or SB_SHUT_RDWR.
  void add(std::int32_t how) { how_ |= how & SB_SHUT_RDWR; }
  bool reading() const { return (how_ & SB_SHUT_RD) != 0; }  // recv returns 0, arriving data is dropped
  bool writing() const { return (how_ & SB_SHUT_WR) != 0; }  // send fails with EPIPE

 private:
  std::int32_t how_ = 0;
};

// The link to the relay, from the kernel's point of view.
enum class link_state {
  handshaking,  // WebSocket not ready or Wisp handshake not finished: frames wait
  ready,        // handshake done; frames flow
  closed,       // transport gone; every stream fails
};

// What bind() (or a UDP socket's first sendto) gave a socket.
enum class binding {
  none,        // no local address of its own
  address,     // s.local recorded: for listen(), or a UDP socket on a relay without bound UDP
  relay_port,  // UDP: stream_id is a UDP_BIND stream, a port of its own on the relay host, whose
               // DATAGRAM packets carry the other end's address (else a CONNECT stream to `peer`)
};

// The blocking call that returned would_block on a socket and that the guest
// will repeat (the error contract above); the repeat collects the outcome.
enum class retried_call { none, connect, listen, bind };

// One datagram waiting for the guest, with its sender.
struct received_datagram {
  socket_address from;
  protocol::bytes data;
};

// One direction of a local pipe or socket pair (local_pair.cpp): bytes written
// at one fd, waiting to be read at another fd of the same guest.
struct local_channel {
  byte_queue bytes;
  bool reader_open = true;  // false: writes fail with EPIPE
  bool writer_open = true;  // false: reads return 0 once bytes is empty
};

struct socket {
  std::int32_t domain = SB_AF_INET;
  std::int32_t type = SB_SOCK_STREAM;
  bool nonblocking = false;
  socket_state state = socket_state::created;
  std::uint32_t stream_id = 0;
  socket_address peer;
  byte_queue received;                      // TCP: the byte stream
  std::deque<received_datagram> datagrams;  // UDP: whole datagrams, oldest first
  std::int32_t pending_error = 0;           // positive errno reported by the next call (SO_ERROR)
  std::uint32_t send_credit = 0;            // DATA packets the relay still accepts (Wisp CONTINUE)
  // TCP with byte windows: bytes the relay may still send, and bytes the guest
  // read since the last WINDOW_UPDATE (received + window + unannounced = the window).
  std::uint32_t receive_window = stream_receive_window_bytes;
  std::uint32_t read_since_window_update = 0;
  retried_call awaiting_retry = retried_call::none;
  shut_directions shut;                    // shutdown(): stream sockets and local pairs
  std::deque<std::uint32_t> accept_queue;  // listening: accepted streams not yet returned by accept()
  socket_address local;                    // bound address; unspecified until bind
  binding local_binding = binding::none;   // not none: a second bind is EINVAL
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  // Options: stored and reported back; the relay applies its own TCP settings.
  bool reuse_address = false;
  bool keepalive = false;
  bool no_delay = false;
  std::int32_t send_buffer_bytes = default_socket_buffer_bytes;
  std::int32_t receive_buffer_bytes = default_socket_buffer_bytes;
  std::uint64_t receive_timeout_ms = 0;   // SO_RCVTIMEO; 0 waits forever
  std::uint64_t send_timeout_ms = 0;      // SO_SNDTIMEO (also bounds a blocking connect)
  std::optional<std::uint64_t> deadline;  // of the call now blocked on this socket
  // A pipe end or one socket of a local pair: no relay stream, reads come from
  // local_in, writes go to local_out (a pipe end has only one of them).
  std::shared_ptr<local_channel> local_in;
  std::shared_ptr<local_channel> local_out;
  bool is_local() const { return local_in || local_out; }
};

class kernel {
 public:
  explicit kernel(guest_memory& memory, clock_ms now = steady_clock_ms) : memory_(memory), now_(std::move(now)) {}

  // --- posix_sockets imports (see guest/include/posix_sockets.h) ---
  std::int32_t sock_socket(std::int32_t domain, std::int32_t type, std::int32_t protocol);
  std::int32_t sock_connect(std::int32_t fd, guest_ptr addr, std::uint32_t addrlen);
  std::int32_t sock_send(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  std::int32_t sock_recv(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  // send with a destination. A UDP socket on a relay with the sockbridge
  // extension sends from a port of its own (bound at the first sendto if
  // bind() did not), so replies from anyone reach recvfrom; on a plain Wisp
  // relay it (re)connects its one relay stream to addr first. A TCP socket
  // ignores addr, as Linux does for connected sockets.
  std::int32_t sock_sendto(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags, guest_ptr addr,
                           std::uint32_t addrlen);
  // recv that also writes the sender's address when addr is not 0.
  std::int32_t sock_recvfrom(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags, guest_ptr addr,
                             guest_ptr addrlen_ptr);
  // A UDP socket on a relay with the sockbridge extension gets its port on the
  // relay now (the call blocks for the relay's answer: EADDRINUSE, EPERM, ...);
  // otherwise the address is only recorded (for listen, and getsockname).
  std::int32_t sock_bind(std::int32_t fd, guest_ptr addr, std::uint32_t addrlen);
  std::int32_t sock_listen(std::int32_t fd, std::int32_t backlog);
  std::int32_t sock_accept(std::int32_t fd, guest_ptr addr, guest_ptr addrlen_ptr);
  std::int32_t sock_close(std::int32_t fd);
  std::int32_t sock_setsockopt(std::int32_t fd, std::int32_t level, std::int32_t name, guest_ptr value,
                               std::uint32_t len);
  std::int32_t sock_getsockopt(std::int32_t fd, std::int32_t level, std::int32_t name, guest_ptr value,
                               guest_ptr len_ptr);
  std::int32_t sock_getpeername(std::int32_t fd, guest_ptr addr, guest_ptr addrlen_ptr);
  std::int32_t sock_getsockname(std::int32_t fd, guest_ptr addr, guest_ptr addrlen_ptr);
  std::int32_t sock_poll(guest_ptr fds, std::uint32_t nfds, std::int32_t timeout_ms);
  std::int32_t sock_shutdown(std::int32_t fd, std::int32_t how);
  // Resolves name (name_len bytes at name_ptr) through the relay, or locally
  // if it is an IP literal. Writes up to max sockaddrs of SB_SOCKADDR_IN6_SIZE
  // bytes each (sockaddr_in or sockaddr_in6, port 0) at out; returns the count.
  std::int32_t sock_getaddrinfo(guest_ptr name_ptr, std::uint32_t name_len, std::int32_t family, guest_ptr out,
                                std::uint32_t max);

  // pipe() and socketpair() (local_pair.cpp): see posix_sockets.h for flags and errors.
  std::int32_t sock_pipe(guest_ptr fds, std::int32_t flags);
  std::int32_t sock_socketpair(std::int32_t domain, std::int32_t type, std::int32_t protocol, guest_ptr fds);
  // read()/write() (WASI fd_read/fd_write) on a socket or a pipe end; the
  // result and errors are those of recv/send, and EBADF for the wrong pipe end.
  std::int32_t read(std::int32_t fd, guest_ptr buf, std::uint32_t len);
  std::int32_t write(std::int32_t fd, guest_ptr buf, std::uint32_t len);

  // Sets or clears O_NONBLOCK on a socket (fcntl, via WASI fd_fdstat_set_flags).
  std::int32_t set_nonblocking(std::int32_t fd, bool nonblocking);

  // After a call returned would_block: milliseconds until a timeout expires
  // (the caller should retry then even without transport events), or -1.
  std::int64_t wake_after_ms() const;

  // For blocking calls outside the kernel (WASI poll_oneoff): would_block until
  // timeout_ms (0 = never) has passed since the first call with this deadline
  // slot, then -expired_errno (or 0 if expired_errno is 0) and the slot is reset.
  std::int32_t wait(std::optional<std::uint64_t>& deadline, std::uint64_t timeout_ms, std::int32_t expired_errno);
  std::int32_t block_forever();
  std::uint64_t now_ms() const { return now_(); }
  // The poll() event mask of any fd: stdio, sockets, or SB_POLLNVAL.
  std::int16_t poll_events(std::int32_t fd) const;

  // --- stdin (fd 0) ---
  // Until attach_stdin(), stdin reads as end of file. After it, reads block
  // until push_stdin() delivers bytes or close_stdin() marks the end (for good:
  // attaching again does not reopen it).
  void attach_stdin() {
    if (stdin_state_ == stdin_state::unattached) stdin_state_ = stdin_state::open;
  }
  void push_stdin(std::span<const std::uint8_t> bytes) { stdin_.push(bytes); }
  void close_stdin() { stdin_state_ = stdin_state::ended; }
  // fd_read on fd 0: bytes copied, 0 at end of file, would_block, or -EFAULT.
  std::int32_t read_stdin(guest_ptr buf, std::uint32_t len);

  // FIONREAD: bytes a read of fd returns now without waiting — a TCP socket's
  // queued bytes, the size of a UDP socket's next datagram, stdin's queued
  // bytes; 0 for anything else.
  std::uint64_t readable_bytes(std::int32_t fd) const;

  // --- the fd table (fd_table.cpp) ---
  // An fd names an open object: a stdio stream (objects 0, 1, 2, which fds
  // 0-2 name at start and which are never released), a socket or pipe end
  // (sockets_), or a file or directory (a reserved object, served by
  // wasi_preview1). dup() makes another fd naming the same object, so several
  // fds may share one socket's state or one file's offset; an object lives
  // until the last fd naming it is closed. A new object's id is its first
  // fd's number when that id is free (the usual case: sockets() keys read as
  // fds), else a number above max_open_fds that no fd can have.
  //
  // The object fd names, or -1 if fd is not open.
  std::int32_t object_of(std::int32_t fd) const;
  // Another fd for the object `fd` names: the lowest free fd >= lowest.
  // -EBADF (fd not open), -EINVAL (lowest < 0 or >= max_open_fds), -EMFILE.
  std::int32_t dup(std::int32_t fd, std::int32_t lowest);
  // Makes target name the object fd names; target must not be open (the
  // caller closes it first, with whatever that object needs). -EBADF (fd not
  // open, target out of range or open).
  std::int32_t dup_onto(std::int32_t fd, std::int32_t target);

  // --- fds the kernel does not serve (files and directories, wasi_preview1) ---
  // They share one numbering with sockets: reserve_fd() takes the lowest free
  // fd for a new reserved object, or returns -EMFILE when max_open_files are
  // taken. Socket calls on a reserved fd fail with ENOTSOCK; poll reports it
  // ready for reading and writing, as a regular file is.
  std::int32_t reserve_fd();
  // Closes fd (any kind: the caller releases what the object needs). True if
  // no fd names its object any more, which is then forgotten (a stdio stream
  // never is); false if another fd still names it, or fd was not open.
  bool release_fd(std::int32_t fd);
  bool is_reserved(std::int32_t fd) const { return reserved_objects_.contains(object_of(fd)); }

  // True if fd names an open socket (stdio, pipes and unknown fds are not sockets).
  // find(), sockets() and the socket calls take fds; sockets() is keyed by object.
  bool is_socket(std::int32_t fd) const {
    const socket* s = find(fd);
    return s && s->type != pipe_type;
  }
  // True if fd is served by read()/write() here: a socket or a pipe end.
  bool is_stream_fd(std::int32_t fd) const { return sockets_.contains(object_of(fd)); }
  const socket* find(std::int32_t fd) const;
  const std::map<std::int32_t, socket>& sockets() const { return sockets_; }
  // Each open fd that names a socket or pipe end, in fd order, with its object's state
  // (fds made by dup() share one): what a socket table shows, as lsof would.
  std::vector<std::pair<std::int32_t, const socket*>> open_sockets() const;

  // Username and password for the relay's Wisp password authentication (sent
  // in the INFO reply, only if the relay offers it). false: the username is
  // longer than 255 bytes (the wire limit) and nothing was set.
  bool set_relay_credentials(std::string username, std::string password);

  // Key authentication (Wisp 0x03, handshake.cpp). The embedder holds an
  // Ed25519 private key and signs with it when asked: once a relay's INFO
  // offers key auth, the kernel's INFO reply waits for answer_key_challenge.
  void use_relay_key() { relay_key_ = true; }
  // The relay's challenge for the embedder to sign while an answer is
  // awaited; empty otherwise. The view is valid until the next kernel call.
  protocol::byte_view key_challenge() const { return key_challenge_; }
  // The embedder's answer: the SHA-256 of its raw 32-byte public key and its
  // 64-byte Ed25519 signature of key_challenge(); the INFO reply then leaves.
  // false, and nothing sent, if no challenge awaits or a size is wrong.
  bool answer_key_challenge(protocol::byte_view key_hash, protocol::byte_view signature);
  // The embedder could not sign (why, for a person): the link fails, and
  // connects waiting for it fail with EACCES.
  void refuse_key_challenge(const std::string& why);

  // --- transport (called by shim-js) ---
  // One complete binary WebSocket message from the relay.
  void on_frame(protocol::byte_view frame);
  // The same message without a copy in the kernel: frame_buffer(length) is
  // where the embedder writes it (valid until the next kernel call), then
  // on_frame_buffer() reads it as on_frame would. A TCP stream's DATA keeps
  // the buffer as its receive queue's chunk (the payload is not copied again
  // before recv()); other messages leave it for the next one.
  std::uint8_t* frame_buffer(std::size_t length);
  void on_frame_buffer();
  // The WebSocket closed or failed; every open stream fails with a reset.
  void on_transport_closed();
  link_state link() const { return link_; }
  // Why the link closed or the last protocol error, for a person to read ("" if none).
  const std::string& link_message() const { return link_message_; }

  // --- outgoing frames (drained by shim-js after every call) ---
  bool has_outgoing() const { return !outgoing_.empty(); }
  const protocol::bytes& next_outgoing() const { return outgoing_.front(); }
  void pop_outgoing() { outgoing_.pop_front(); }

  // Closes every socket (on guest exit), queueing CLOSE frames for open
  // streams, and every fd but stdio's.
  void close_all();

 private:
  // The socket fd names; -EBADF if none, -ENOTSOCK for stdio, files and pipes.
  socket* find_socket(std::int32_t fd, std::int32_t& error);
  // Like find_socket, but a pipe end is found too (read, write, close, fcntl).
  socket* find_stream(std::int32_t fd, std::int32_t& error);
  // The lowest fd >= lowest that names nothing (max_open_fds if none).
  std::int32_t lowest_free_fd(std::int32_t lowest = 0) const;
  // The lowest free fd, naming a new object; returns {fd, object id}. The
  // caller checked the limit of its kind of object.
  std::pair<std::int32_t, std::int32_t> open_object();
  // True if `more` new fds would pass max_open_fds.
  bool fds_full(std::size_t more = 1) const { return fds_.size() + more > static_cast<std::size_t>(max_open_fds); }
  // Closes a socket or pipe end whose last fd was closed.
  void close_socket(std::int32_t object);
  // Runs call on fd's socket (-EBADF/-ENOTSOCK if none) and ends the socket's
  // timeout unless the call blocked.
  template <class Call>
  std::int32_t blocking_call(std::int32_t fd, Call call, bool pipes_too = false) {
    std::int32_t err = 0;
    socket* s = pipes_too ? find_stream(fd, err) : find_socket(fd, err);
    if (!s) return err;
    const auto result = call(*s);
    if (result != would_block) s->deadline.reset();  // the call finished: its timeout is spent
    return result;
  }
  std::int32_t connect(socket& s, std::int32_t object, guest_ptr addr, std::uint32_t addrlen);
  // Local pipes and pairs (local_pair.cpp).
  std::int32_t local_send(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  std::int32_t local_receive(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  std::int32_t local_shutdown(socket& s, std::int32_t how);
  void local_close(socket& s);
  std::int16_t local_poll_events(const socket& s) const;
  // Two new fds for a and b, written to fds; -EFAULT/-EMFILE before anything is made.
  std::int32_t add_local_ends(socket a, socket b, guest_ptr fds);
  std::int32_t send(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  std::int32_t receive(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  // `object` below is the socket's id in sockets_ (object_of(fd)), recorded in fd_by_stream_.
  // UDP (datagram.cpp): one Wisp UDP stream per socket, to its current peer.
  std::int32_t connect_datagram(socket& s, std::int32_t object, const socket_address& peer);
  // `to`: sendto's destination on a bound stream; null sends to the connected peer.
  std::int32_t send_datagram(socket& s, guest_ptr buf, std::uint32_t len, const socket_address* to = nullptr);
  std::int32_t bind_datagram(socket& s, std::int32_t object, guest_ptr addr, std::uint32_t addrlen);
  // Sends UDP_BIND for s.local: s gets its own relay port (state bind_pending).
  void open_bound_stream(socket& s, std::int32_t object);
  void on_datagram(socket& s, const protocol::frame& frame);
  std::int32_t receive_datagram(socket& s, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  void open_stream(socket& s, std::int32_t object, protocol::stream_type type);

  socket* by_stream(std::uint32_t stream_id);
  void send_frame(protocol::bytes frame);
  void on_session_frame(const protocol::frame& frame);
  // The relay's INFO (handshake.cpp): note its extensions, answer with ours.
  void on_relay_info(const protocol::frame& frame);
  // Encodes info_reply_ as the kernel's INFO and queues it.
  void send_info_reply();
  // Byte windows (receive_window.cpp). DATA of `bytes` arrived on s: false if
  // it broke the window (the link has then failed).
  bool take_window(socket& s, std::size_t bytes);
  // The guest read (or dropped) `bytes` of s: re-grant once half the window was read.
  void release_window(socket& s, std::size_t bytes);
  void on_stream_frame(const protocol::frame& frame);
  void on_stream_closed(socket& s, protocol::close_reason reason);
  void on_connected(socket& s, const protocol::frame& frame);
  void on_accepted(socket& listener, const protocol::frame& frame);
  void on_resolved(const protocol::frame& frame);
  std::int32_t listen(socket& s, std::int32_t object, std::int32_t backlog);
  std::int32_t write_resolve_result(guest_ptr out, std::uint32_t max);
  // The link is gone: every stream fails; connects and listens still
  // pending fail with opening_errno (positive errno).
  void fail_link(std::string message, std::int32_t opening_errno = SB_ENETUNREACH);
  std::int32_t finish_connect(socket& s);

  guest_memory& memory_;
  clock_ms now_;
  std::map<std::int32_t, socket> sockets_;                                  // by object id
  std::set<std::int32_t> reserved_objects_;                                 // files and directories (reserve_fd)
  std::map<std::int32_t, std::int32_t> fds_{{0, 0}, {1, 1}, {2, 2}};        // open fd -> object
  std::map<std::int32_t, std::int32_t> fd_counts_{{0, 1}, {1, 1}, {2, 1}};  // object -> fds naming it
  std::int32_t next_hidden_object_ = max_open_fds;
  std::map<std::uint32_t, std::int32_t> fd_by_stream_;  // stream -> object id
  std::deque<protocol::bytes> outgoing_;                // ready to hand to the transport
  std::deque<protocol::bytes> held_;                    // waiting for the handshake to finish
  byte_buffer inbound_;                                 // frame_buffer(): the message being handed in
  byte_buffer* inbound_owner_ = nullptr;                // during on_frame_buffer(): that message, to take
  link_state link_ = link_state::handshaking;
  bool open_confirmation_ = false;  // relay confirms connects (Wisp v2 extension 0x05)
  // The relay's sockbridge extension (0x53) offer, none from a plain Wisp server: its features
  // (byte windows, bound UDP) exist only with the extension.
  std::optional<protocol::sockbridge_offer> sockbridge_;
  bool extension() const { return sockbridge_.has_value(); }
  bool relay_has(std::uint8_t feature) const { return sockbridge_ && sockbridge_->has(feature); }
  struct credentials {
    std::string username;
    std::string password;
  };
  std::optional<credentials> credentials_;  // for the relay's password authentication
  bool relay_key_ = false;                  // the embedder signs key auth challenges
  protocol::bytes key_challenge_;           // the relay's, while the embedder signs it
  // The INFO reply's records (id, metadata), kept while the signature is awaited.
  std::vector<std::pair<std::uint8_t, protocol::bytes>> info_reply_;
  // Streams the relay accepted for a listener, not yet returned by accept().
  std::map<std::uint32_t, socket> embryos_;
  struct resolve_request {
    std::uint32_t request_id = 0;
    std::string name;
    std::int32_t family = SB_AF_UNSPEC;
    std::optional<std::uint8_t> status;  // once answered: 0 with the addresses, else why not
    std::vector<socket_address> addresses;
  };
  std::optional<resolve_request> resolve_;  // the one name lookup in flight (the guest is single-threaded)
  std::uint32_t initial_credit_ = 0;
  std::uint32_t next_stream_id_ = 1;
  std::string link_message_;
  std::optional<std::uint64_t> wake_at_;  // earliest deadline of the blocked call
  std::optional<std::uint64_t> poll_deadline_;
  byte_queue stdin_;
  // unattached: reads are end of file; open: reads wait for push_stdin;
  // ended: reads return what is queued, then end of file.
  enum class stdin_state { unattached, open, ended };
  stdin_state stdin_state_ = stdin_state::unattached;
};

}  // namespace sb::host
