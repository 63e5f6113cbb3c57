// Plain HTTP request/response values shared by the server, the SigV4 verifier and the protocol
// codecs. Nothing here knows Beast: the server converts at the edge.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace orgroot {

struct Header {
  std::string name;   // as received (case preserved)
  std::string value;  // as received
};

// ASCII case-insensitive equality for header names.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

struct HttpRequest {
  std::string method;              // "GET", "POST", ...
  std::string target;              // raw request-target as sent: "/path?query" (percent-encoding kept)
  std::vector<Header> headers;     // in arrival order; duplicates kept
  std::string body;
  bool secure_transport = false;   // arrived over TLS
  std::string remote_ip;           // peer address, for aws:SourceIp

  std::string_view path() const {
    auto q = target.find('?');
    return std::string_view(target).substr(0, q);
  }
  std::string_view query() const {  // without the '?'; empty if none
    auto q = target.find('?');
    return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
  }
  // First header with this name (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& h : headers)
      if (iequals(h.name, name)) return &h.value;
    return nullptr;
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;  // Content-Type etc.; the server adds Date, Content-Length, Connection
  std::string body;

  void set_header(std::string name, std::string value) {
    for (auto& h : headers)
      if (iequals(h.name, name)) { h.value = std::move(value); return; }
    headers.push_back({std::move(name), std::move(value)});
  }
  const std::string* header(std::string_view name) const {
    for (const auto& h : headers)
      if (iequals(h.name, name)) return &h.value;
    return nullptr;
  }
};

}  // namespace orgroot
