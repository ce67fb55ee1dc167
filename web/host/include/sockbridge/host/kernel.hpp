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
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sockbridge/host/byte_queue.hpp"
#include "sockbridge/host/guest_memory.hpp"
#include "sockbridge/host/socket_address.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace sb::host {

// Returned to shim-js only: "park the guest until the next transport event, then retry".
inline constexpr std::int32_t would_block = -0x10000;

// Largest DATA payload the kernel puts in one frame.
inline constexpr std::size_t max_data_payload_bytes = 64 * 1024;
// First fd handed out to sockets; 0, 1, 2 are stdio.
inline constexpr std::int32_t first_socket_fd = 3;
// Upper bound on open sockets per guest.
inline constexpr std::size_t max_open_sockets = 1024;

enum class socket_state { created, connecting, connected, closed };

// The link to the relay, from the kernel's point of view.
enum class link_state {
  handshaking,  // WebSocket not ready or Wisp handshake not finished: frames wait
  ready,        // handshake done; frames flow
  closed,       // transport gone; every stream fails
};

struct socket {
  std::int32_t domain = SB_AF_INET;
  std::int32_t type = SB_SOCK_STREAM;
  bool nonblocking = false;
  socket_state state = socket_state::created;
  std::uint32_t stream_id = 0;
  socket_address peer;
  byte_queue received;
  bool peer_finished = false;       // remote closed; recv returns 0 once `received` is empty
  std::int32_t pending_error = 0;   // positive errno reported by the next call (SO_ERROR)
  std::uint32_t send_credit = 0;    // DATA packets the relay still accepts (Wisp CONTINUE)
  bool connect_in_progress = false; // a blocking connect returned would_block and will be retried
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

class kernel {
 public:
  explicit kernel(guest_memory& memory) : memory_(memory) {}

  // --- posix_sockets imports (see guest/include/posix_sockets.h) ---
  std::int32_t sock_socket(std::int32_t domain, std::int32_t type, std::int32_t protocol);
  std::int32_t sock_connect(std::int32_t fd, guest_ptr addr, std::uint32_t addrlen);
  std::int32_t sock_send(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  std::int32_t sock_recv(std::int32_t fd, guest_ptr buf, std::uint32_t len, std::int32_t flags);
  std::int32_t sock_bind(std::int32_t fd, guest_ptr addr, std::uint32_t addrlen);
  std::int32_t sock_listen(std::int32_t fd, std::int32_t backlog);
  std::int32_t sock_accept(std::int32_t fd, guest_ptr addr, guest_ptr addrlen_ptr);
  std::int32_t sock_close(std::int32_t fd);

  // True if fd names an open socket (stdio and unknown fds are not sockets).
  bool is_socket(std::int32_t fd) const { return sockets_.contains(fd); }
  const socket* find(std::int32_t fd) const;
  const std::map<std::int32_t, socket>& sockets() const { return sockets_; }

  // --- transport (called by shim-js) ---
  // One complete binary WebSocket message from the relay.
  void on_frame(protocol::byte_view frame);
  // The WebSocket closed or failed; every open stream fails with a reset.
  void on_transport_closed();
  link_state link() const { return link_; }
  // Why the link closed or the last protocol error, for a person to read ("" if none).
  const std::string& link_message() const { return link_message_; }

  // --- outgoing frames (drained by shim-js after every call) ---
  bool has_outgoing() const { return !outgoing_.empty(); }
  const protocol::bytes& next_outgoing() const { return outgoing_.front(); }
  void pop_outgoing() { outgoing_.pop_front(); }

  // Closes every socket (on guest exit), queueing CLOSE frames for open streams.
  void close_all();

 private:
  socket* lookup(std::int32_t fd, std::int32_t& error);
  socket* by_stream(std::uint32_t stream_id);
  void send_frame(protocol::bytes frame);
  void on_session_frame(const protocol::frame& frame);
  void on_stream_frame(const protocol::frame& frame);
  void on_stream_closed(socket& s, protocol::close_reason reason);
  void fail_link(std::string message);
  std::int32_t finish_connect(socket& s);

  guest_memory& memory_;
  std::map<std::int32_t, socket> sockets_;
  std::map<std::uint32_t, std::int32_t> fd_by_stream_;
  std::deque<protocol::bytes> outgoing_;  // ready to hand to the transport
  std::deque<protocol::bytes> held_;      // waiting for the handshake to finish
  link_state link_ = link_state::handshaking;
  bool open_confirmation_ = false;        // relay confirms connects (Wisp v2 extension 0x05)
  std::uint32_t initial_credit_ = 0;
  std::uint32_t next_stream_id_ = 1;
  std::string link_message_;
};

}  // namespace sb::host
