#include "auth/principal.h"

#include "common/json_writer.h"

#include <boost/json.hpp>

namespace orgroot::auth {

namespace {
const char* type_name(PrincipalType t) {
  switch (t) {
    case PrincipalType::IamUser: return "IAMUser";
    case PrincipalType::AssumedRole: return "AssumedRole";
    case PrincipalType::Root: return "Root";
    case PrincipalType::Anonymous: return "Anonymous";
  }
  return "Anonymous";
}
PrincipalType type_from(std::string_view s) {
  if (s == "IAMUser") return PrincipalType::IamUser;
  if (s == "AssumedRole") return PrincipalType::AssumedRole;
  if (s == "Root") return PrincipalType::Root;
  return PrincipalType::Anonymous;
}
std::string str(const boost::json::object& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
}
}  // namespace

std::string Principal::to_json() const {
  // Written directly, and without the members that are empty (from_json reads them as empty):
  // every issued session carries its principal in its token, which should stay short.
  std::string out;
  out.reserve(384);
  JsonWriter w(out);
  w.begin_object();
  w.member("type", type_name(type)).member("account_id", account_id).member("arn", arn);
  auto text = [&](std::string_view k, const std::string& v) {
    if (!v.empty()) w.member(k, v);
  };
  text("user_id", user_id);
  text("user_name", user_name);
  text("session_issuer", session_issuer);
  if (mfa_authenticated) w.member("mfa_authenticated", true);
  text("source_identity", source_identity);
  text("role_arn", role_arn);
  text("role_id", role_id);
  text("role_name", role_name);
  if (!session_policies.empty()) {
    w.key("session_policies").begin_array();
    for (const auto& x : session_policies) w.string(x);
    w.end_array();
  }
  if (!session_tags.empty()) {
    w.key("session_tags").begin_array();
    for (const auto& [k, v] : session_tags) w.begin_array().string(k).string(v).end_array();
    w.end_array();
  }
  if (!transitive_tag_keys.empty()) {
    w.key("transitive_tag_keys").begin_array();
    for (const auto& x : transitive_tag_keys) w.string(x);
    w.end_array();
  }
  text("task_policy_arn", task_policy_arn);
  w.end_object();
  return out;
}

Principal Principal::from_json(const std::string& s) {
  Principal p;
  auto v = boost::json::parse(s);
  const auto& o = v.as_object();
  p.type = type_from(str(o, "type"));
  p.account_id = str(o, "account_id");
  p.arn = str(o, "arn");
  p.user_id = str(o, "user_id");
  p.user_name = str(o, "user_name");
  p.session_issuer = str(o, "session_issuer");
  if (auto it = o.find("mfa_authenticated"); it != o.end() && it->value().is_bool())
    p.mfa_authenticated = it->value().get_bool();
  p.source_identity = str(o, "source_identity");
  p.role_arn = str(o, "role_arn");
  p.role_id = str(o, "role_id");
  p.role_name = str(o, "role_name");
  p.task_policy_arn = str(o, "task_policy_arn");
  if (auto it = o.find("session_policies"); it != o.end() && it->value().is_array())
    for (const auto& x : it->value().get_array())
      if (x.is_string()) p.session_policies.emplace_back(x.get_string());
  if (auto it = o.find("session_tags"); it != o.end() && it->value().is_array())
    for (const auto& x : it->value().get_array())
      if (x.is_array() && x.get_array().size() == 2 && x.get_array()[0].is_string() && x.get_array()[1].is_string())
        p.session_tags.emplace_back(std::string(x.get_array()[0].get_string()), std::string(x.get_array()[1].get_string()));
  if (auto it = o.find("transitive_tag_keys"); it != o.end() && it->value().is_array())
    for (const auto& x : it->value().get_array())
      if (x.is_string()) p.transitive_tag_keys.emplace_back(x.get_string());
  return p;
}

}  // namespace orgroot::auth
