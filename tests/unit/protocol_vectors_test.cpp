// The golden vectors in protocol/vectors/ (described by vectors.json) against
// the codec: every valid file decodes to the manifest's fields and re-encodes
// to the same bytes; every malformed file fails with exactly the named error.
// INFO vectors that name their sender also have each extension's metadata
// decoded (extensions.hpp) as that sender wrote it.
// The .bin files are the truth; nothing here regenerates them.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "sockbridge/protocol/extensions.hpp"
#include "sockbridge/protocol/wisp.hpp"

namespace {

namespace wisp = sb::protocol;
using nlohmann::json;
namespace fs = std::filesystem;

const fs::path vectors_dir = SOCKBRIDGE_VECTORS_DIR;

// X-macro names as the manifest spells them ("continue_" is "continue" on paper).
std::string spelled(std::string_view name) {
  std::string text{name};
  if (text.ends_with('_')) text.pop_back();
  return text;
}

std::map<std::string, wisp::packet_type> packet_types() {
  return {
#define SB_X(name, value) {spelled(#name), wisp::packet_type::name},
      SB_PACKET_TYPES(SB_X)
#undef SB_X
  };
}

std::map<std::string, wisp::close_reason> close_reasons() {
  return {
#define SB_X(name, value, description) {#name, wisp::close_reason::name},
      SB_CLOSE_REASONS(SB_X)
#undef SB_X
  };
}

std::map<std::string, wisp::decode_error> decode_errors() {
  return {
#define SB_X(name, description) {#name, wisp::decode_error::name},
      SB_DECODE_ERRORS(SB_X)
#undef SB_X
  };
}

std::string name_of(wisp::decode_error error) {
  for (const auto& [name, value] : decode_errors())
    if (value == error) return name;
  return "unnamed decode error";
}

std::string name_of(wisp::close_reason reason) {
  for (const auto& [name, value] : close_reasons())
    if (value == reason) return name;
  return std::to_string(static_cast<int>(reason));
}

// Read once; tests iterate over references into it.
const json& manifest() {
  static const json parsed = [] {
    std::ifstream in(vectors_dir / "vectors.json");
    return json::parse(in);
  }();
  return parsed;
}

wisp::bytes read_vector(const std::string& file) {
  std::ifstream in(vectors_dir / file, std::ios::binary);
  EXPECT_TRUE(in) << "cannot open " << file;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string hex(wisp::byte_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  for (auto byte : bytes) {
    text += digits[byte >> 4];
    text += digits[byte & 0xf];
  }
  return text;
}

json endpoint_fields(const wisp::endpoint& endpoint) {
  char text[INET6_ADDRSTRLEN] = {};
  const int family = endpoint.family == 4 ? AF_INET : AF_INET6;
  if (!inet_ntop(family, endpoint.ip.data(), text, sizeof text)) ADD_FAILURE() << "inet_ntop failed";
  return {{"family", endpoint.family}, {"ip", text}, {"port", endpoint.port}};
}

std::string text(std::string_view view) { return std::string{view}; }

// Decodes one frame's payload into manifest-style fields and encodes the
// decoded value again (into `encoded`, header included).
using codec = std::function<wisp::decode_error(const wisp::frame&, json& fields, wisp::bytes& encoded)>;

template <class Payload, class Decode, class Encode, class Fields>
codec make_codec(Decode decode, Encode encode, Fields to_fields) {
  return [=](const wisp::frame& frame, json& fields, wisp::bytes& encoded) {
    Payload payload{};
    if (auto error = decode(frame.payload, payload); error != wisp::decode_error::ok) return error;
    fields = to_fields(payload);
    encode(encoded, frame.stream_id, payload);
    return wisp::decode_error::ok;
  };
}

// One entry per packet type: a new packet kind needs one line here plus its vectors.
std::map<wisp::packet_type, codec> codecs() {
  using wisp::packet_type;
  std::map<packet_type, codec> table;
  table[packet_type::connect] =
      make_codec<wisp::connect_payload>(wisp::decode_connect, wisp::encode_connect, [](const wisp::connect_payload& p) {
        return json{{"stream_type", p.type == wisp::stream_type::tcp ? "tcp" : "udp"},
                    {"port", p.port},
                    {"hostname", text(p.hostname)}};
      });
  table[packet_type::data] = [](const wisp::frame& frame, json& fields, wisp::bytes& encoded) {
    fields = {{"data_hex", hex(frame.payload)}};
    wisp::encode_data(encoded, frame.stream_id, frame.payload);
    return wisp::decode_error::ok;
  };
  table[packet_type::continue_] =
      make_codec<std::uint32_t>(wisp::decode_continue, wisp::encode_continue, [](std::uint32_t remaining) {
        return json{{"buffer_remaining", remaining}};
      });
  table[packet_type::close] =
      make_codec<wisp::close_reason>(wisp::decode_close, wisp::encode_close, [](wisp::close_reason reason) {
        return json{{"reason", name_of(reason)}};
      });
  table[packet_type::info] = make_codec<wisp::info_payload>(
      wisp::decode_info,
      [](wisp::bytes& out, std::uint32_t, const wisp::info_payload& p) { wisp::encode_info(out, p); },
      [](const wisp::info_payload& p) {
        json extensions = json::array();
        for (const auto& e : p.extensions) extensions.push_back({{"id", e.id}, {"metadata_hex", hex(e.metadata)}});
        return json{{"major", p.major}, {"minor", p.minor}, {"extensions", extensions}};
      });
  table[packet_type::connected] = make_codec<wisp::connected_payload>(
      wisp::decode_connected, wisp::encode_connected, [](const wisp::connected_payload& p) {
        return json{{"local", endpoint_fields(p.local)}, {"peer", endpoint_fields(p.peer)}};
      });
  table[packet_type::resolve] =
      make_codec<wisp::resolve_payload>(wisp::decode_resolve, wisp::encode_resolve, [](const wisp::resolve_payload& p) {
        return json{{"family", p.family}, {"hostname", text(p.hostname)}};
      });
  table[packet_type::resolved] = make_codec<wisp::resolved_payload>(
      wisp::decode_resolved, wisp::encode_resolved, [](const wisp::resolved_payload& p) {
        json addresses = json::array();
        for (const auto& a : p.addresses) addresses.push_back(endpoint_fields(a));
        return json{{"status", p.status}, {"addresses", addresses}};
      });
  table[packet_type::listen] =
      make_codec<wisp::listen_payload>(wisp::decode_listen, wisp::encode_listen, [](const wisp::listen_payload& p) {
        return json{{"address", endpoint_fields(p.address)}, {"backlog", p.backlog}};
      });
  table[packet_type::accepted] = make_codec<wisp::accepted_payload>(
      wisp::decode_accepted, wisp::encode_accepted, [](const wisp::accepted_payload& p) {
        return json{{"stream_id", p.stream_id}, {"peer", endpoint_fields(p.peer)}, {"local", endpoint_fields(p.local)}};
      });
  // SHUTDOWN has no fields: its decoder only checks that the payload is empty.
  table[packet_type::shutdown] = [](const wisp::frame& frame, json& fields, wisp::bytes& encoded) {
    if (auto error = wisp::decode_shutdown(frame.payload); error != wisp::decode_error::ok) return error;
    fields = json::object();
    wisp::encode_shutdown(encoded, frame.stream_id);
    return wisp::decode_error::ok;
  };
  table[packet_type::window_update] =
      make_codec<std::uint32_t>(wisp::decode_window_update, wisp::encode_window_update, [](std::uint32_t increment) {
        return json{{"increment", increment}};
      });
  table[packet_type::udp_bind] =
      make_codec<wisp::endpoint>(wisp::decode_udp_bind, wisp::encode_udp_bind, [](const wisp::endpoint& address) {
        return json{{"address", endpoint_fields(address)}};
      });
  table[packet_type::datagram] = make_codec<wisp::datagram_payload>(
      wisp::decode_datagram, wisp::encode_datagram, [](const wisp::datagram_payload& p) {
        return json{{"peer", endpoint_fields(p.peer)}, {"data_hex", hex(p.data)}};
      });
  return table;
}

// Decodes one INFO record's metadata as `sender` ("relay" or "client") wrote
// it into manifest-style fields, and re-encodes it into `encoded`. Records
// without metadata of their own (UDP, stream-open confirmation, the client's
// MOTD) leave fields null.
wisp::decode_error decode_metadata(const std::string& sender, const wisp::extension& record, json& fields,
                                   wisp::bytes& encoded) {
  using id = wisp::extension_id;
  const bool relay = sender == "relay";
  auto decode = [&](auto payload, auto decoder, auto encoder, auto to_fields) {
    if (auto error = decoder(record.metadata, payload); error != wisp::decode_error::ok) return error;
    fields = to_fields(payload);
    encoder(encoded, payload);
    return wisp::decode_error::ok;
  };
  switch (static_cast<id>(record.id)) {
    case id::password_auth:
      if (relay)
        return decode(wisp::password_offer{}, wisp::decode_password_offer, wisp::encode_password_offer,
                      [](const wisp::password_offer& p) {
                        return json{{"required", p.required}};
                      });
      return decode(wisp::password_credentials{}, wisp::decode_password_credentials, wisp::encode_password_credentials,
                    [](const wisp::password_credentials& p) {
                      return json{{"username", text(p.username)}, {"password", text(p.password)}};
                    });
    case id::key_auth:
      if (relay)
        return decode(
            wisp::key_auth_offer{}, wisp::decode_key_auth_offer, wisp::encode_key_auth_offer,
            [](const wisp::key_auth_offer& p) {
              return json{{"required", p.required}, {"algorithms", p.algorithms}, {"challenge_hex", hex(p.challenge)}};
            });
      return decode(wisp::key_auth_answer{}, wisp::decode_key_auth_answer, wisp::encode_key_auth_answer,
                    [](const wisp::key_auth_answer& p) {
                      return json{{"algorithm", p.algorithm},
                                  {"key_hash_hex", hex(p.key_hash)},
                                  {"signature_hex", hex(p.signature)}};
                    });
    case id::motd:
      if (!relay) break;
      return decode(std::string_view{}, wisp::decode_motd, wisp::encode_motd, [](std::string_view motd) {
        return json{{"motd", text(motd)}};
      });
    case id::sockbridge:
      if (relay)
        return decode(wisp::sockbridge_offer{}, wisp::decode_sockbridge_offer, wisp::encode_sockbridge_offer,
                      [](const wisp::sockbridge_offer& p) {
                        return json{{"features", p.features ? json(*p.features) : json(nullptr)}};
                      });
      return decode(wisp::sockbridge_request{}, wisp::decode_sockbridge_request, wisp::encode_sockbridge_request,
                    [](const wisp::sockbridge_request& p) {
                      return json{{"stream_window", p.stream_window ? json(*p.stream_window) : json(nullptr)}};
                    });
    default:
      break;
  }
  return wisp::decode_error::ok;
}

// Adds "decoded" to every INFO record in fields that has metadata of its own;
// each must re-encode to its bytes. Returns the first decode error.
wisp::decode_error decode_info_metadata(const std::string& sender, const wisp::frame& frame, json& fields) {
  wisp::info_payload info;
  if (auto error = wisp::decode_info(frame.payload, info); error != wisp::decode_error::ok) return error;
  for (std::size_t i = 0; i < info.extensions.size(); ++i) {
    json decoded;
    wisp::bytes encoded;
    const auto& record = info.extensions[i];
    if (auto error = decode_metadata(sender, record, decoded, encoded); error != wisp::decode_error::ok) return error;
    if (decoded.is_null()) continue;
    fields["extensions"][i]["decoded"] = decoded;
    EXPECT_EQ(hex(encoded), hex(record.metadata)) << "metadata of extension " << int{record.id};
  }
  return wisp::decode_error::ok;
}

// Decodes a whole message: the frame header, then the payload by type (and,
// for an INFO whose manifest entry names its sender, each record's metadata).
wisp::decode_error decode_message(wisp::byte_view bytes, const json& vector, wisp::frame& frame, json& fields,
                                  wisp::bytes& encoded) {
  if (auto error = wisp::decode_frame(bytes, frame); error != wisp::decode_error::ok) return error;
  const auto table = codecs();
  const auto it = table.find(frame.type);
  if (it == table.end()) {
    ADD_FAILURE() << "no codec in this test for packet type " << static_cast<int>(frame.type);
    return wisp::decode_error::ok;
  }
  if (auto error = it->second(frame, fields, encoded); error != wisp::decode_error::ok) return error;
  if (frame.type != wisp::packet_type::info || !vector.contains("sender")) return wisp::decode_error::ok;
  return decode_info_metadata(vector.at("sender").get<std::string>(), frame, fields);
}

using name_table = std::map<std::string, int>;

TEST(protocol_vectors, manifest_tables_match_wisp_hpp) {
  const auto tables = manifest().at("tables");
  name_table expected_types, expected_reasons;
  for (const auto& [name, value] : packet_types()) expected_types[name] = static_cast<int>(value);
  for (const auto& [name, value] : close_reasons()) expected_reasons[name] = static_cast<int>(value);
  EXPECT_EQ(tables.at("packet_types").get<name_table>(), expected_types);
  EXPECT_EQ(tables.at("close_reasons").get<name_table>(), expected_reasons);
  const name_table stream_types{{"tcp", static_cast<int>(wisp::stream_type::tcp)},
                                {"udp", static_cast<int>(wisp::stream_type::udp)}};
  EXPECT_EQ(tables.at("stream_types").get<name_table>(), stream_types);
}

TEST(protocol_vectors, manifest_and_files_list_the_same_vectors) {
  std::set<std::string> listed, on_disk;
  for (const auto& vector : manifest().at("vectors")) {
    const auto file = vector.at("file").get<std::string>();
    EXPECT_TRUE(listed.insert(file).second) << file << " is listed twice";
  }
  for (const auto& entry : fs::recursive_directory_iterator(vectors_dir))
    if (entry.is_regular_file() && entry.path().extension() == ".bin")
      on_disk.insert(entry.path().lexically_relative(vectors_dir).generic_string());
  EXPECT_EQ(listed, on_disk);
}

TEST(protocol_vectors, valid_vectors_decode_to_their_fields_and_reencode_identically) {
  int checked = 0;
  for (const auto& vector : manifest().at("vectors")) {
    if (!vector.contains("fields")) continue;
    const auto file = vector.at("file").get<std::string>();
    SCOPED_TRACE(file);
    const auto bytes = read_vector(file);
    wisp::frame frame;
    json fields;
    wisp::bytes encoded;
    ASSERT_EQ(name_of(decode_message(bytes, vector, frame, fields, encoded)), "ok");
    EXPECT_EQ(frame.type, packet_types().at(vector.at("type").get<std::string>()));
    EXPECT_EQ(frame.stream_id, vector.at("stream_id").get<std::uint32_t>());
    EXPECT_EQ(fields, vector.at("fields"));
    EXPECT_EQ(hex(encoded), hex(bytes));
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(protocol_vectors, malformed_vectors_fail_with_their_named_error) {
  int checked = 0;
  for (const auto& vector : manifest().at("vectors")) {
    if (!vector.contains("error")) continue;
    const auto file = vector.at("file").get<std::string>();
    SCOPED_TRACE(file);
    const auto expected = vector.at("error").get<std::string>();
    ASSERT_TRUE(decode_errors().contains(expected)) << expected << " is not in SB_DECODE_ERRORS";
    ASSERT_NE(expected, "ok");
    const auto bytes = read_vector(file);
    wisp::frame frame;
    json fields;
    wisp::bytes encoded;
    EXPECT_EQ(name_of(decode_message(bytes, vector, frame, fields, encoded)), expected);
    // A malformed payload still has a readable header: the manifest names it.
    if (vector.contains("type")) {
      EXPECT_EQ(frame.type, packet_types().at(vector.at("type").get<std::string>()));
      EXPECT_EQ(frame.stream_id, vector.at("stream_id").get<std::uint32_t>());
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(protocol_vectors, every_packet_type_has_a_valid_vector) {
  std::set<std::string> covered;
  for (const auto& vector : manifest().at("vectors"))
    if (vector.contains("fields")) covered.insert(vector.at("type").get<std::string>());
  for (const auto& [name, type] : packet_types()) EXPECT_TRUE(covered.contains(name)) << "no valid vector for " << name;
}

TEST(protocol_vectors, every_decode_error_has_a_malformed_vector) {
  std::set<std::string> covered;
  for (const auto& vector : manifest().at("vectors"))
    if (vector.contains("error")) covered.insert(vector.at("error").get<std::string>());
  for (const auto& [name, error] : decode_errors()) {
    if (error == wisp::decode_error::ok) continue;
    EXPECT_TRUE(covered.contains(name)) << "no malformed vector for " << name;
  }
}

}  // namespace
