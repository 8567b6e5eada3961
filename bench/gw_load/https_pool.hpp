// A small pool of keep-alive HTTPS/1.1 connections (Boost.Beast over
// OpenSSL, certificate not verified: the gateway's is self-signed) for the
// one-call endpoint of docs/API.md §6. Requests queue and go out on the first
// free connection, one at a time per connection (no pipelining).
// Thread: the io_context's thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

namespace gw::load {

struct HttpReply {
  int status = 0;     // 0: no response (error says why)
  std::string error;  // transport error, empty when a response came
  std::string body;
  double ms = 0;  // request written -> response read
};

class HttpsPool {
 public:
  using Done = std::function<void(HttpReply)>;
  enum class Method : std::uint8_t { post, del };

  HttpsPool(boost::asio::io_context& io, std::string host, std::string port, std::size_t connections);
  ~HttpsPool();
  HttpsPool(const HttpsPool&) = delete;
  HttpsPool& operator=(const HttpsPool&) = delete;

  // `body` is sent as application/json (POST). `done` runs on the loop.
  void request(Method method, std::string target, std::string body, Done done);
  // Closes the connections; queued requests complete with an error.
  void shutdown();
  [[nodiscard]] std::size_t connects() const;  // TCP+TLS connections made so far

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace gw::load
