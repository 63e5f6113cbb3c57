// The HTTP/1.1 listener: Boost.Beast over Asio, one I/O thread per core, each with its own
// io_context and its own SO_REUSEPORT acceptor; keep-alive; a body-size limit; idle and
// half-open connections timed out; optional TLS. Knows nothing of AWS: it hands each request to
// the handler and writes back what it returns.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/http_types.h"

namespace orgroot::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4570;  // 0: any free port (see HttpServer::port())
  unsigned threads = 0;  // 0: one per core
  size_t body_limit = 64 * 1024 * 1024;
  std::chrono::seconds idle_timeout{60};     // between requests on a keep-alive connection
  std::chrono::seconds request_timeout{60};  // to receive a request's headers and body once started
  std::string tls_cert_file;                 // both set: HTTPS only
  std::string tls_key_file;
};

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(HttpRequest&)>;
  // Builds the answer for a request refused before its body was read (headers only).
  using Rejecter = std::function<HttpResponse(const HttpRequest&, int status)>;

  HttpServer(HttpServerOptions opts, Handler handler, Rejecter rejecter);
  ~HttpServer();

  // Binds and listens; throws std::system_error if the address is unusable.
  void start();
  // Blocks until stop() is called from elsewhere (a signal handler thread, say).
  void wait();
  void stop();
  uint16_t port() const { return bound_port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  HttpServerOptions opts_;
  uint16_t bound_port_ = 0;
};

}  // namespace orgroot::server
