#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <ctime>
#include <optional>
#include <string_view>

#include "server/answer_batching.h"

namespace orgroot::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// RFC 7231 Date header, formatted once per second per thread.
const std::string& http_date() {
  thread_local time_t last = 0;
  thread_local std::string cached;
  time_t now = time(nullptr);
  if (now != last) {
    struct tm tm {};
    gmtime_r(&now, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buf;
    last = now;
  }
  return cached;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Each I/O thread measures for itself.
AnswerBatching& batching() {
  thread_local AnswerBatching b(thread_cpu_seconds);
  return b;
}

// Beast's HTTP/1.1 parser writing straight into the connection's HttpRequest: no fields
// container to fill and then copy from (one allocation and a tree insert per field), and the
// request's strings keep their capacity from one request of a connection to the next.
class RequestParser final : public http::basic_parser<true> {
 public:
  explicit RequestParser(HttpRequest& r) : r_(r) { r_.body.clear(); }

  unsigned version() const { return version_; }
  bool head() const { return verb_ == http::verb::head; }
  bool expect_continue() const { return expect_continue_; }
  // Drops the previous request's extra headers. Beast calls on_header_impl only for a header it
  // accepts: not for one whose Content-Length is over the body limit.
  void end_fields() { r_.headers.resize(fields_); }

 private:
  void on_request_impl(http::verb method, beast::string_view method_str, beast::string_view target, int version,
                       beast::error_code&) override {
    verb_ = method;
    version_ = static_cast<unsigned>(version);
    r_.method.assign(method_str.data(), method_str.size());
    r_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}  // requests only
  void on_field_impl(http::field name, beast::string_view name_string, beast::string_view value,
                     beast::error_code&) override {
    if (name == http::field::expect && value == "100-continue") expect_continue_ = true;
    if (fields_ < r_.headers.size()) {
      Header& h = r_.headers[fields_];
      h.name.assign(name_string.data(), name_string.size());
      h.value.assign(value.data(), value.size());
    } else {
      r_.headers.push_back({std::string(name_string), std::string(value)});
    }
    ++fields_;
  }
  void on_header_impl(beast::error_code&) override { end_fields(); }
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
    if (length) r_.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    r_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    r_.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  HttpRequest& r_;
  std::size_t fields_ = 0;
  unsigned version_ = 11;
  http::verb verb_ = http::verb::unknown;
  bool expect_continue_ = false;
};

// The status line and headers as they go on the wire; the body follows in the same write (one
// sendmsg, none of the serializer's buffer sequences). Content-Length is the body's, but for HEAD
// (the handler's, else what a GET would send) and for statuses that carry no body (1xx, 204, 304:
// none).
std::string wire_head(const HttpResponse& out, unsigned version, bool keep_alive, bool head) {
  std::string w;
  w.reserve(192 + 48 * out.headers.size());
  w += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  w += std::to_string(out.status);
  w += ' ';
  w += std::string_view(http::obsolete_reason(static_cast<http::status>(out.status)));
  w += "\r\n";
  const bool no_body = out.status / 100 == 1 || out.status == 204 || out.status == 304;
  std::optional<std::string_view> given_length;
  for (const auto& h : out.headers) {
    if (iequals(h.name, "content-length")) {
      given_length = h.value;
      continue;
    }
    if (iequals(h.name, "connection") || iequals(h.name, "date") || iequals(h.name, "server")) continue;
    w += h.name;
    w += ": ";
    w += h.value;
    w += "\r\n";
  }
  w += "Date: ";
  w += http_date();
  w += "\r\nServer: orgroot\r\n";
  if (!no_body) {
    w += "Content-Length: ";
    if (head && given_length) w += *given_length;
    else w += std::to_string(out.body.size());
    w += "\r\n";
  }
  if (version == 10 && keep_alive) w += "Connection: keep-alive\r\n";
  if (version != 10 && !keep_alive) w += "Connection: close\r\n";
  w += "\r\n";
  return w;
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions opts;
  Handler handler;
  Rejecter rejecter;
  std::unique_ptr<ssl::context> tls;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};

  template <typename Stream>
  asio::awaitable<void> serve(Stream& stream, bool secure, std::string peer) {
    beast::flat_buffer buffer;
    auto& lowest = beast::get_lowest_layer(stream);
    HttpRequest req;  // reused by every request of the connection
    req.secure_transport = secure;
    req.remote_ip = std::move(peer);
    for (;;) {
      RequestParser parser(req);
      parser.body_limit(opts.body_limit);
      parser.header_limit(64 * 1024);
      lowest.expires_after(opts.idle_timeout);
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      // Beast refuses a Content-Length over the limit while reading the header; that request still
      // gets an answer. Anything else (closed, timed out, garbage) drops the connection.
      const bool too_large = ec == http::error::body_limit;
      if (ec && !too_large) break;
      parser.end_fields();

      lowest.expires_after(opts.request_timeout);
      bool keep_alive = parser.keep_alive();
      const unsigned version = parser.version();
      const bool head = parser.head();
      int reject_status = 0;
      if (too_large) reject_status = 413;
      if (!reject_status && parser.expect_continue()) {
        http::response<http::empty_body> cont{http::status::continue_, version};
        auto [wec, wn] = co_await http::async_write(stream, cont, use_tuple);
        if (wec) break;
      }
      if (!reject_status && !parser.is_done()) {
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (rec == http::error::body_limit) reject_status = 413;
        else if (rec) break;
      }

      HttpResponse out;
      if (reject_status) {
        req.body.clear();  // what was read of it
        out = rejecter(req, reject_status);
        keep_alive = false;  // the unread body makes the connection unusable
      } else {
        out = handler(req);
      }
      // Answer batching (answer_batching.h): when it pays on this thread, the answer waits for the
      // requests the thread has already received (their completions are queued), so that a client
      // on several connections is woken once per burst of answers.
      if (batching().batch()) co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      const std::string wire = wire_head(out, version, keep_alive, head);
      const bool body = !head && !(out.status / 100 == 1 || out.status == 204 || out.status == 304);
      const std::array<asio::const_buffer, 2> parts{asio::buffer(wire), asio::buffer(out.body.data(), body ? out.body.size() : 0)};
      auto [wec, wn] = co_await asio::async_write(stream, parts, use_tuple);
      if (wec || !keep_alive) break;
    }
    beast::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> session(tcp::socket socket) {
    std::string peer;
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) peer = ep.address().to_string();
    socket.set_option(tcp::no_delay(true), ec);
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
      beast::get_lowest_layer(stream).expires_after(opts.request_timeout);
      auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
      if (hec) co_return;
      co_await serve(stream, true, std::move(peer));
    } else {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, false, std::move(peer));
    }
  }

  // One acceptor; each accepted connection is handed to the next I/O thread's io_context in turn
  // and stays there for its life.
  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    size_t next = 0;
    for (;;) {
      auto& target = *contexts[next++ % contexts.size()];
      auto [ec, socket] = co_await acceptor.async_accept(target, use_tuple);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("accept: {}", ec.message());
        continue;
      }
      auto ex = socket.get_executor();
      asio::co_spawn(ex, session(std::move(socket)), asio::detached);
    }
  }
};

HttpServer::HttpServer(HttpServerOptions opts, Handler handler, Rejecter rejecter)
    : impl_(std::make_unique<Impl>()), opts_(std::move(opts)) {
  impl_->opts = opts_;
  impl_->handler = std::move(handler);
  impl_->rejecter = std::move(rejecter);
}

HttpServer::~HttpServer() {
  stop();
  wait();
}

void HttpServer::start() {
  unsigned n = opts_.threads ? opts_.threads : std::max(1u, std::thread::hardware_concurrency());
  if (!opts_.tls_cert_file.empty()) {
    impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    impl_->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    impl_->tls->use_certificate_chain_file(opts_.tls_cert_file);
    impl_->tls->use_private_key_file(opts_.tls_key_file, ssl::context::pem);
  }
  for (unsigned i = 0; i < n; ++i) impl_->contexts.push_back(std::make_unique<asio::io_context>(1));
  auto acc = std::make_unique<tcp::acceptor>(*impl_->contexts[0]);
  tcp::endpoint ep(asio::ip::make_address(opts_.host), opts_.port);
  acc->open(ep.protocol());
  acc->set_option(asio::socket_base::reuse_address(true));
  acc->bind(ep);
  acc->listen(asio::socket_base::max_listen_connections);
  bound_port_ = acc->local_endpoint().port();
  impl_->acceptors.push_back(std::move(acc));
  asio::co_spawn(*impl_->contexts[0], impl_->accept_loop(*impl_->acceptors[0]), asio::detached);
  for (unsigned i = 0; i < n; ++i) {
    auto& ioc = *impl_->contexts[i];
    auto guard = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(ioc.get_executor());
    impl_->threads.emplace_back([&ioc, guard] {
      for (;;) {
        try {
          ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("I/O thread: {}", e.what());  // a handler threw: keep serving
        }
      }
    });
  }
}

void HttpServer::wait() {
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

void HttpServer::stop() {
  if (impl_->stopping.exchange(true)) return;
  for (auto& c : impl_->contexts) c->stop();
}

}  // namespace orgroot::server
