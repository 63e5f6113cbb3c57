#include "auth/principal.h"

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
  boost::json::object o;
  o["type"] = type_name(type);
  o["account_id"] = account_id;
  o["arn"] = arn;
  o["user_id"] = user_id;
  o["user_name"] = user_name;
  o["session_issuer"] = session_issuer;
  o["mfa_authenticated"] = mfa_authenticated;
  o["source_identity"] = source_identity;
  return boost::json::serialize(o);
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
  return p;
}

}  // namespace orgroot::auth
