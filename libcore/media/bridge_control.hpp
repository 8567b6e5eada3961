// Control of a Bridge by JSON commands (design brief §5: commands on stdin,
// one JSON object per line), and a reader for such lines on a file
// descriptor. Commands:
//   {"cmd":"remote","port":"secure|plain|plain_rtcp","address":"udp:HOST:PORT|unix:PATH"}
//   {"cmd":"fingerprint","value":"sha-256 AB:CD:..."}
//   {"cmd":"setup","value":"active|passive|actpass"}   (the peer's a=setup)
//   {"cmd":"stats"}   {"cmd":"quit"}
// Thread: the io_context's thread (same as the Bridge).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "media/bridge.hpp"
#include "util/endpoint.hpp"
#include "util/json_output.hpp"
#include "util/result.hpp"

namespace gw::media {

// udp:HOST:PORT -> IP address (resolved, blocking: control path only); unix:PATH -> path.
Result<PeerAddress> peer_from_endpoint(const Endpoint& ep);
Result<PeerAddress> parse_peer(std::string_view uri);

// An event as the JSON object tools emit: {"event":"handshake_done",...}.
json::object event_json(const BridgeEvent& e);
// True for events after which the bridge is finished (failure, peer gone).
bool is_terminal(const BridgeEvent& e);

enum class CommandAction : std::uint8_t { none, stats, quit };

// Applies one command; `action` tells the caller what else to do.
Result<CommandAction> apply_command(Bridge& bridge, const json::value& command, TimePoint now);

// Reads newline-separated JSON objects from `fd` (e.g. STDIN_FILENO, which it
// dup()s). Lines that are not JSON objects are reported through on_error.
// A regular file or /dev/null (not pollable) is read to the end at start.
class JsonLineReader {
 public:
  using Handler = std::function<void(const json::value& v)>;
  using ErrorHandler = std::function<void(const std::string& message)>;
  JsonLineReader(boost::asio::io_context& io, int fd, Handler on_command, ErrorHandler on_error);
  ~JsonLineReader();
  JsonLineReader(const JsonLineReader&) = delete;
  JsonLineReader& operator=(const JsonLineReader&) = delete;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gw::media
