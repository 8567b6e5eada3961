// Conversions between gw::SocketAddress and the C socket API.
// Thread: any (pure functions).
#pragma once

#include <sys/socket.h>

#include "util/socket_address.hpp"

namespace gw::net {

socklen_t to_sockaddr(const SocketAddress& addr, sockaddr_storage& out);
SocketAddress from_sockaddr(const sockaddr_storage& in);

}  // namespace gw::net
