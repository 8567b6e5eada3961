// Internal to http_connection.cpp / websocket_connection.cpp: the Beast
// stream types and the HTTP -> WebSocket hand-over.
// Thread: the server's io_context thread only.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>

#include "gateway/https_core.hpp"

namespace gw::gateway::detail {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

inline constexpr const char* kServerName = "webrtc-gw";

// Takes over an HTTP connection whose request is a WebSocket upgrade:
// answers it (101) and runs the WebSocket (websocket_connection.cpp).
// `tls` keeps the context the stream was made with alive.
void start_websocket(const std::shared_ptr<ServerCore>& core, std::shared_ptr<boost::asio::ssl::context> tls,
                     TlsStream stream, HttpRequest upgrade, ConnectionSlot slot, const IpAddress& client);

}  // namespace gw::gateway::detail
