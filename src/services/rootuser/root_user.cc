#include "services/rootuser/root_user.h"

#include <fmt/format.h>

#include <variant>

namespace orgroot::services::rootuser {

namespace json = boost::json;

namespace {

constexpr std::string_view kSignIn = "/_orgroot/root/signin";
constexpr std::string_view kForgotPassword = "/_orgroot/root/forgot-password";
constexpr std::string_view kResetPassword = "/_orgroot/root/reset-password";
constexpr std::string_view kMailbox = "/_orgroot/mailbox/";

EndpointResponse bad_request(std::string message) {
  return error_response(AwsError("InvalidRequest", std::move(message), 400));
}

EndpointResponse method_not_allowed(std::string_view allowed) {
  return error_response(AwsError("MethodNotAllowed", fmt::format("This endpoint answers {} only.", allowed), 405));
}

EndpointResponse ok(json::object body) { return EndpointResponse{200, std::move(body)}; }

EndpointResponse answer(Result<json::object> r) {
  if (!r) return error_response(r.error());
  return ok(std::move(r).value());
}

// The body as a JSON object, or the 400 to answer.
std::variant<json::object, EndpointResponse> json_body(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return bad_request("The request body is not valid JSON.");
  if (!v.is_object()) return bad_request("The request body must be a JSON object.");
  return std::move(v.get_object());
}

// A string member: the value, nullopt when absent or null; an error when of another type.
std::variant<std::optional<std::string>, EndpointResponse> string_member(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) return bad_request(fmt::format("'{}' must be a string.", key));
  return std::optional<std::string>(std::string(v->get_string()));
}

// A required string member, or the 400 to answer.
std::variant<std::string, EndpointResponse> required_member(const json::object& o, std::string_view key) {
  auto m = string_member(o, key);
  if (auto* e = std::get_if<EndpointResponse>(&m)) return std::move(*e);
  auto& s = std::get<std::optional<std::string>>(m);
  if (!s || s->empty()) return bad_request(fmt::format("'{}' is required.", key));
  return std::move(*s);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

EndpointResponse error_response(const AwsError& e) {
  return EndpointResponse{e.http_status, json::object{{"code", e.code}, {"message", e.message}}};
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

RootUser::RootUser(ServiceDeps& deps, RootUserCredentials& credentials, SessionIssuer issue_session,
                   AuditSink* audit)
    : tokens_(deps.db) {
  sign_in_ = std::make_unique<RootSignIn>(RootSignInDeps{deps.identity, credentials, tokens_, mailbox_, deps.clock,
                                                         deps.random, std::move(issue_session),
                                                         deps.management_account_id, audit});
  // moto's /moto-api/reset empties the database: the mail goes with it.
  deps.db.on_reset([this] { mailbox_.clear(); });
}

std::optional<EndpointResponse> RootUser::handle(const EndpointRequest& req) {
  const std::string_view path = req.path;
  const bool post_endpoint = path == kSignIn || path == kForgotPassword || path == kResetPassword;
  if (post_endpoint) {
    if (req.method != "POST") return method_not_allowed("POST");
    auto body = json_body(req.body);
    if (auto* e = std::get_if<EndpointResponse>(&body)) return std::move(*e);
    const auto& o = std::get<json::object>(body);
    if (path == kSignIn) return sign_in_endpoint(o, req.caller);
    if (path == kForgotPassword) return forgot_password_endpoint(o, req.caller);
    return reset_password_endpoint(o, req.caller);
  }
  if (path.substr(0, kMailbox.size()) == kMailbox && path.size() > kMailbox.size()) {
    if (req.method != "GET" && req.method != "HEAD") return method_not_allowed("GET");
    auto address = percent_decode(path.substr(kMailbox.size()));
    if (!address || address->find('/') != std::string::npos) return bad_request("The mailbox address is not valid.");
    return mailbox_endpoint(*address);
  }
  return std::nullopt;
}

EndpointResponse RootUser::sign_in_endpoint(const json::object& body, const Caller& caller) {
  auto email = required_member(body, "email");
  if (auto* e = std::get_if<EndpointResponse>(&email)) return std::move(*e);
  auto password = required_member(body, "password");
  if (auto* e = std::get_if<EndpointResponse>(&password)) return std::move(*e);
  auto mfa = string_member(body, "mfaCode");
  if (auto* e = std::get_if<EndpointResponse>(&mfa)) return std::move(*e);
  return answer(sign_in_->sign_in(std::get<std::string>(email), std::get<std::string>(password),
                                  std::get<std::optional<std::string>>(mfa), caller));
}

EndpointResponse RootUser::forgot_password_endpoint(const json::object& body, const Caller& caller) {
  auto email = required_member(body, "email");
  if (auto* e = std::get_if<EndpointResponse>(&email)) return std::move(*e);
  return answer(sign_in_->forgot_password(std::get<std::string>(email), caller));
}

EndpointResponse RootUser::reset_password_endpoint(const json::object& body, const Caller& caller) {
  auto token = required_member(body, "token");
  if (auto* e = std::get_if<EndpointResponse>(&token)) return std::move(*e);
  auto password = required_member(body, "newPassword");
  if (auto* e = std::get_if<EndpointResponse>(&password)) return std::move(*e);
  return answer(sign_in_->reset_password(std::get<std::string>(token), std::get<std::string>(password), caller));
}

EndpointResponse RootUser::mailbox_endpoint(const std::string& address) {
  json::array list;
  for (const auto& m : mailbox_.messages_to(address)) {
    json::object o{{"MessageId", m.message_id}, {"To", m.to},     {"From", m.from},
                   {"Subject", m.subject},      {"Body", m.body}, {"Date", iso8601(m.date)}};
    if (!m.reset_token.empty()) {
      o["Token"] = m.reset_token;
      o["ResetLink"] = m.reset_link;
    }
    list.push_back(std::move(o));
  }
  return EndpointResponse{200, std::move(list)};
}

}  // namespace orgroot::services::rootuser
