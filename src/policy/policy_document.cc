// Parsing and validation of policy documents. The checks run in phases over the whole document,
// and the first phase that finds a problem answers, which is how IAM's messages behave: a document
// with a JSON-shape problem gets "Syntax errors in policy." even if it also has a bad resource.
//
// Where each message comes from is listed in README.md beside this file.
#include "policy/policy_document.h"

#include <boost/json.hpp>

#include <charconv>
#include <set>

namespace orgroot::policy {

namespace json = boost::json;

namespace {

enum class V {
  InvalidJson, Syntax, MissingStatement, MissingEffect, InvalidEffect, VersionTooOld, LegacyParsing, DuplicateSid,
  SidNotAlnum, PrincipalNotAllowed, PrincipalMissing, MissingActions, MissingResources, ProhibitedResource,
  ResourceFormat, ResourcePartition, IamResourceRegion, ActionNoVendor, ActionMultiColon, ActionVendorWildcard,
  PrincipalInvalid, TrustAction,
};

struct Violation {
  V v;
  std::string a = {}, b = {};
};

constexpr std::string_view kOrgMessage =
    "The provided policy document does not meet the requirements of the specified policy type.";

AwsError Render(const Violation& x, ErrorDialect dialect, PolicyKind kind) {
  if (dialect == ErrorDialect::Organizations) {
    return AwsError("MalformedPolicyDocumentException", std::string(kOrgMessage), 400);
  }
  if (dialect == ErrorDialect::S3) {
    std::string m;
    switch (x.v) {
      case V::InvalidJson: m = "Policies must be valid JSON and the first byte must be '{'"; break;
      case V::MissingStatement: m = "Missing required field Statement"; break;
      case V::MissingEffect: m = "Missing required field Effect"; break;
      case V::InvalidEffect:
      case V::LegacyParsing: m = "Invalid effect: " + x.a; break;
      case V::MissingActions: m = "Missing required field Action"; break;
      case V::MissingResources: m = "Missing required field Resource"; break;
      case V::PrincipalMissing: m = "Missing required field Principal"; break;
      case V::PrincipalInvalid: m = "Invalid principal in policy"; break;
      case V::ActionNoVendor:
      case V::ActionMultiColon:
      case V::ActionVendorWildcard: m = "Policy has invalid action"; break;
      case V::ResourceFormat:
      case V::ResourcePartition:
      case V::IamResourceRegion: m = "Policy has invalid resource"; break;
      case V::DuplicateSid: m = "Statement IDs (SID) in a single policy must be unique."; break;
      default: m = "Invalid policy syntax."; break;
    }
    return AwsError("MalformedPolicy", std::move(m), 400);
  }
  switch (x.v) {
    case V::InvalidJson:
      return AwsError::MalformedPolicyDocument(kind == PolicyKind::Trust ? "This policy contains invalid Json"
                                                                           : "Syntax errors in policy.");
    case V::Syntax:
    case V::MissingStatement:
    case V::MissingEffect:
    case V::InvalidEffect:
      return AwsError::MalformedPolicyDocument("Syntax errors in policy.");
    case V::VersionTooOld: return AwsError::MalformedPolicyDocument("Policy document must be version 2012-10-17 or greater.");
    case V::LegacyParsing: return AwsError::MalformedPolicyDocument("The policy failed legacy parsing");
    case V::DuplicateSid:
      return AwsError::MalformedPolicyDocument("Statement IDs (SID) in a single policy must be unique.");
    case V::SidNotAlnum:
      return AwsError::MalformedPolicyDocument(
          "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression "
          "[0-9A-Za-z]*");
    case V::PrincipalNotAllowed: return AwsError::MalformedPolicyDocument("Policy document should not specify a principal.");
    case V::PrincipalMissing: return AwsError::MalformedPolicyDocument("Missing required field Principal");
    case V::MissingActions: return AwsError::MalformedPolicyDocument("Policy statement must contain actions.");
    case V::MissingResources: return AwsError::MalformedPolicyDocument("Policy statement must contain resources.");
    case V::ProhibitedResource: return AwsError::MalformedPolicyDocument("Has prohibited field Resource");
    case V::ResourceFormat:
      return AwsError::MalformedPolicyDocument("Resource " + x.a + " must be in ARN format or \"*\".");
    case V::ResourcePartition:
      return AwsError::MalformedPolicyDocument("Partition \"" + x.a + "\" is not valid for resource \"" + x.b + "\".");
    case V::IamResourceRegion:
      return AwsError::MalformedPolicyDocument("IAM resource " + x.a + " cannot contain region information.");
    case V::ActionNoVendor:
      return AwsError::MalformedPolicyDocument("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    case V::ActionMultiColon: return AwsError::MalformedPolicyDocument("Actions/Condition can contain only one colon.");
    case V::ActionVendorWildcard:
      return AwsError::MalformedPolicyDocument("Action vendors (e.g., aws, ec2, etc.) must not contain wildcards.");
    case V::PrincipalInvalid:
      return AwsError::MalformedPolicyDocument("Invalid principal in policy: \"" + x.a + "\":\"" + x.b + "\"");
    case V::TrustAction:
      return AwsError::MalformedPolicyDocument("AssumeRole policy may only specify STS AssumeRole actions.");
  }
  return AwsError::MalformedPolicyDocument("Syntax errors in policy.");
}

bool IsAlnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
bool HasWildcardOrVariable(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos || s.find("${") != std::string_view::npos;
}

// A scalar condition value as text (numbers and booleans are accepted by IAM).
std::optional<std::string> ScalarText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return std::string(v.get_string());
    case json::kind::bool_: return std::string(v.get_bool() ? "true" : "false");
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_double());
      return std::string(buf, r.ptr);
    }
    default: return std::nullopt;
  }
}

// String or array of strings (non-empty strings are not required here).
bool StringList(const json::value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.emplace_back(v.get_string());
    return true;
  }
  if (!v.is_array()) return false;
  for (const auto& e : v.get_array()) {
    if (!e.is_string()) return false;
    out.emplace_back(e.get_string());
  }
  return true;
}

// The statement as read from JSON, before compilation.
struct RawStatement {
  std::optional<std::string> sid;
  std::string effect;
  bool has_action = false, not_action = false;
  std::vector<std::string> actions;
  bool has_resource = false, not_resource = false;
  std::vector<std::string> resources;
  bool has_principal = false, not_principal = false;
  bool principal_star = false;
  std::vector<std::pair<std::string, std::string>> principals;  // (type, value)
  struct Cond {
    std::string op;
    ParsedOperator parsed;
    std::string key;
    std::vector<std::string> values;
  };
  std::vector<Cond> conditions;
};

std::optional<Violation> ReadPrincipal(const json::value& v, RawStatement& st) {
  if (v.is_string()) {
    if (v.get_string() != "*") return Violation{V::Syntax};
    st.principal_star = true;
    return std::nullopt;
  }
  if (!v.is_object()) return Violation{V::Syntax};
  for (const auto& kv : v.get_object()) {
    const std::string_view type = kv.key();
    if (type != "AWS" && type != "Service" && type != "Federated" && type != "CanonicalUser") return Violation{V::Syntax};
    std::vector<std::string> values;
    if (!StringList(kv.value(), values)) return Violation{V::Syntax};
    for (auto& val : values) st.principals.emplace_back(std::string(type), std::move(val));
  }
  return std::nullopt;
}

std::optional<Violation> ReadCondition(const json::value& v, RawStatement& st) {
  if (!v.is_object()) return Violation{V::Syntax};
  for (const auto& op : v.get_object()) {
    auto parsed = ParseConditionOperator(op.key());
    if (!parsed) return Violation{V::Syntax};
    if (!op.value().is_object()) return Violation{V::Syntax};
    for (const auto& kv : op.value().get_object()) {
      RawStatement::Cond c;
      c.op = op.key();
      c.parsed = *parsed;
      c.key = kv.key();
      if (kv.value().is_array()) {
        if (kv.value().get_array().empty()) return Violation{V::Syntax};
        for (const auto& e : kv.value().get_array()) {
          auto t = ScalarText(e);
          if (!t) return Violation{V::Syntax};
          c.values.push_back(std::move(*t));
        }
      } else {
        auto t = ScalarText(kv.value());
        if (!t) return Violation{V::Syntax};
        c.values.push_back(std::move(*t));
      }
      st.conditions.push_back(std::move(c));
    }
  }
  return std::nullopt;
}

std::optional<Violation> ReadStatement(const json::value& v, RawStatement& st) {
  if (!v.is_object()) return Violation{V::Syntax};
  const auto& o = v.get_object();
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    const json::value& val = kv.value();
    if (k == "Sid") {
      if (!val.is_string()) return Violation{V::Syntax};
      st.sid = std::string(val.get_string());
    } else if (k == "Effect") {
      if (!val.is_string()) return Violation{V::Syntax};
      st.effect = std::string(val.get_string());
      if (!EqualsIgnoreCase(st.effect, "Allow") && !EqualsIgnoreCase(st.effect, "Deny")) {
        return Violation{V::InvalidEffect, st.effect};
      }
    } else if (k == "Action" || k == "NotAction") {
      if (st.has_action) return Violation{V::Syntax};
      st.has_action = true;
      st.not_action = k == "NotAction";
      if (!StringList(val, st.actions)) return Violation{V::Syntax};
    } else if (k == "Resource" || k == "NotResource") {
      if (st.has_resource) return Violation{V::Syntax};
      st.has_resource = true;
      st.not_resource = k == "NotResource";
      if (!StringList(val, st.resources)) return Violation{V::Syntax};
    } else if (k == "Principal" || k == "NotPrincipal") {
      if (st.has_principal) return Violation{V::Syntax};
      st.has_principal = true;
      st.not_principal = k == "NotPrincipal";
      if (auto e = ReadPrincipal(val, st)) return e;
    } else if (k == "Condition") {
      if (auto e = ReadCondition(val, st)) return e;
    } else {
      return Violation{V::Syntax};
    }
  }
  if (st.effect.empty()) return Violation{V::MissingEffect};
  return std::nullopt;
}

// "iam:GetUser" and friends; also condition keys ("aws:PrincipalTag/team").
std::optional<Violation> CheckVendorName(std::string_view s, bool is_action) {
  if (is_action && s == "*") return std::nullopt;
  std::string_view head = s;
  if (!is_action) head = s.substr(0, s.find('/'));
  const size_t colon = head.find(':');
  if (colon == std::string_view::npos || colon == 0) return Violation{V::ActionNoVendor};
  if (head.find(':', colon + 1) != std::string_view::npos) return Violation{V::ActionMultiColon};
  if (is_action && head.substr(0, colon).find_first_of("*?") != std::string_view::npos) {
    return Violation{V::ActionVendorWildcard};
  }
  return std::nullopt;
}

bool ValidPartition(std::string_view p) {
  static const std::set<std::string_view> kPartitions = {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b",
                                                         "aws-iso-e", "aws-iso-f", "aws-eusc"};
  return HasWildcardOrVariable(p) || kPartitions.count(p) > 0;
}

std::optional<Violation> CheckResource(const std::string& r) {
  if (r == "*") return std::nullopt;
  auto segs = SplitArnSegments(r, true);
  if (segs.size() < 6 || segs[0] != "arn") return Violation{V::ResourceFormat, r};
  if (!ValidPartition(segs[1])) return Violation{V::ResourcePartition, std::string(segs[1]), r};
  if (segs[2] == "iam" && !segs[3].empty() && !HasWildcardOrVariable(segs[3])) return Violation{V::IamResourceRegion, r};
  return std::nullopt;
}

bool ValidAwsPrincipal(std::string_view v) {
  if (v == "*" || IsDigits(v, 12)) return true;
  if (v.size() >= 16 && (v.substr(0, 4) == "AIDA" || v.substr(0, 4) == "AROA")) return true;  // unique ids
  auto segs = SplitArnSegments(v, false);
  if (segs.size() != 6 || segs[0] != "arn" || !ValidPartition(segs[1]) || HasWildcardOrVariable(v)) return false;
  if (!segs[3].empty() || !IsDigits(segs[4], 12)) return false;
  const std::string_view res = segs[5];
  if (segs[2] == "iam") {
    return res == "root" || res.substr(0, 5) == "user/" || res.substr(0, 5) == "role/" ||
           res.substr(0, 15) == "federated-user/";
  }
  if (segs[2] == "sts") return res.substr(0, 13) == "assumed-role/" || res.substr(0, 15) == "federated-user/";
  return false;
}

bool TrustActionAllowed(const std::string& action) {
  static const char* kAllowed[] = {"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
                                   "sts:tagsession", "sts:setsourceidentity", "sts:setcontext"};
  const std::string lower = ToLowerAscii(action);
  if (lower.rfind("sts:", 0) != 0) return false;
  Pattern p = Pattern::Compile(lower, {.wildcards = true, .variables = false, .lower = true});
  for (const char* a : kAllowed) {
    if (p.Match(a, nullptr, false)) return true;
  }
  return false;
}

bool ForbidsPrincipal(PolicyKind k) {
  return k == PolicyKind::Identity || k == PolicyKind::ServiceControl || k == PolicyKind::Session ||
         k == PolicyKind::PermissionsBoundary;
}
bool RequiresPrincipal(PolicyKind k) {
  return k == PolicyKind::Resource || k == PolicyKind::Trust || k == PolicyKind::ResourceControl;
}
bool IamStored(PolicyKind k) {
  return k == PolicyKind::Identity || k == PolicyKind::Trust || k == PolicyKind::PermissionsBoundary;
}

// All validation phases, in IAM's order. Returns the first violation.
std::optional<Violation> Validate(const std::vector<RawStatement>& sts, const std::string& version, bool has_version,
                                  const CompileOptions& opt) {
  const PolicyKind kind = opt.kind;
  if (opt.managed && version != "2012-10-17") return Violation{V::VersionTooOld};
  (void)has_version;
  for (const auto& s : sts) {
    if (s.effect != "Allow" && s.effect != "Deny") return Violation{V::LegacyParsing, s.effect};
  }
  std::set<std::string> sids;
  for (const auto& s : sts) {
    if (!s.sid || s.sid->empty()) continue;
    if (!sids.insert(*s.sid).second) return Violation{V::DuplicateSid};
  }
  if (IamStored(kind)) {
    for (const auto& s : sts) {
      if (!s.sid) continue;
      for (char c : *s.sid) {
        if (!IsAlnum(c)) return Violation{V::SidNotAlnum};
      }
    }
  }
  for (const auto& s : sts) {
    if (ForbidsPrincipal(kind) && s.has_principal) return Violation{V::PrincipalNotAllowed};
    if (RequiresPrincipal(kind) && !s.has_principal) return Violation{V::PrincipalMissing};
  }
  for (const auto& s : sts) {
    if (!s.has_action || s.actions.empty()) return Violation{V::MissingActions};
  }
  for (const auto& s : sts) {
    if (kind == PolicyKind::Trust) {
      if (s.has_resource) return Violation{V::ProhibitedResource};
    } else if (!s.has_resource || s.resources.empty()) {
      return Violation{V::MissingResources};
    }
  }
  for (const auto& s : sts) {
    for (const auto& r : s.resources) {
      if (auto e = CheckResource(r)) return e;
    }
  }
  for (const auto& s : sts) {
    for (const auto& a : s.actions) {
      if (auto e = CheckVendorName(a, true)) return e;
    }
    for (const auto& c : s.conditions) {
      if (auto e = CheckVendorName(c.key, false)) return e;
    }
  }
  for (const auto& s : sts) {
    for (const auto& [type, value] : s.principals) {
      const bool ok = type == "AWS" ? ValidAwsPrincipal(value) : !value.empty();
      if (!ok) return Violation{V::PrincipalInvalid, type, value};
    }
  }
  if (kind == PolicyKind::Trust) {
    for (const auto& s : sts) {
      if (s.not_action) continue;
      for (const auto& a : s.actions) {
        if (!TrustActionAllowed(a)) return Violation{V::TrustAction};
      }
    }
  }
  return std::nullopt;
}

// "arn:aws:iam::123456789012:root" -> "123456789012"; "" if not an account root ARN.
std::string AccountOfRootArn(std::string_view v) {
  auto segs = SplitArnSegments(v, false);
  if (segs.size() == 6 && segs[0] == "arn" && segs[2] == "iam" && segs[5] == "root" && IsDigits(segs[4], 12)) {
    return std::string(segs[4]);
  }
  return "";
}

CompiledStatement CompileStatement(const RawStatement& r, bool variables) {
  CompiledStatement s;
  s.sid = r.sid.value_or("");
  s.deny = r.effect == "Deny";
  s.not_action = r.not_action;
  for (const auto& a : r.actions) s.actions.push_back(Pattern::Compile(a, {.wildcards = true, .variables = false, .lower = true}));
  if (r.has_resource) {
    s.scope = r.not_resource ? CompiledStatement::Scope::NotResource : CompiledStatement::Scope::Resource;
    for (const auto& res : r.resources) {
      s.resources.push_back(ArnPattern::Compile(res, {.wildcards = true, .variables = variables, .lower = false}));
    }
  }
  if (r.has_principal) {
    s.principal_mode = r.not_principal ? CompiledStatement::PrincipalMode::NotPrincipal
                                       : CompiledStatement::PrincipalMode::Principal;
    PrincipalSpec& p = s.principal;
    p.any = r.principal_star;
    for (const auto& [type, value] : r.principals) {
      if (type == "AWS") {
        if (value == "*") {
          p.any = true;
        } else if (IsDigits(value, 12)) {
          p.accounts.push_back(value);
        } else if (auto acct = AccountOfRootArn(value); !acct.empty()) {
          p.accounts.push_back(acct);
        } else if (value.find(":role/") != std::string::npos) {
          p.role_arns.push_back(value);
        } else {
          p.arns.push_back(value);
        }
      } else if (type == "Service") {
        p.services.push_back(value);
      } else if (type == "Federated") {
        p.federated.push_back(value);
      } else {
        p.canonical_users.push_back(value);
      }
    }
  }
  for (const auto& c : r.conditions) s.conditions.push_back(CompileCondition(c.parsed, c.key, c.values, variables));
  return s;
}

}  // namespace

Result<PolicyPtr> CompilePolicy(std::string_view document, const CompileOptions& opt) {
  const ErrorDialect dialect =
      opt.dialect.value_or((opt.kind == PolicyKind::ServiceControl || opt.kind == PolicyKind::ResourceControl)
                               ? ErrorDialect::Organizations
                               : ErrorDialect::Iam);
  auto fail = [&](const Violation& v) { return Render(v, dialect, opt.kind); };

  json::error_code ec;
  json::value root = json::parse(document, ec);
  if (ec) return fail({V::InvalidJson});
  if (!root.is_object()) return fail({dialect == ErrorDialect::S3 ? V::InvalidJson : V::Syntax});

  std::string version, id;
  bool has_version = false;
  const json::value* statement = nullptr;
  for (const auto& kv : root.get_object()) {
    if (kv.key() == "Version") {
      if (!kv.value().is_string()) return fail({V::Syntax});
      version = std::string(kv.value().get_string());
      if (version != "2012-10-17" && version != "2008-10-17") return fail({V::Syntax});
      has_version = true;
    } else if (kv.key() == "Id") {
      if (!kv.value().is_string()) return fail({V::Syntax});
      id = std::string(kv.value().get_string());
    } else if (kv.key() == "Statement") {
      statement = &kv.value();
    } else {
      return fail({V::Syntax});
    }
  }
  if (!statement) return fail({V::MissingStatement});

  std::vector<RawStatement> raw;
  if (statement->is_object()) {
    raw.emplace_back();
    if (auto e = ReadStatement(*statement, raw.back())) return fail(*e);
  } else if (statement->is_array() && !statement->get_array().empty()) {
    for (const auto& v : statement->get_array()) {
      raw.emplace_back();
      if (auto e = ReadStatement(v, raw.back())) return fail(*e);
    }
  } else {
    return fail({V::Syntax});
  }

  if (auto e = Validate(raw, version, has_version, opt)) return fail(*e);

  auto policy = std::make_shared<CompiledPolicy>();
  policy->kind_ = opt.kind;
  policy->version_ = version;
  policy->id_ = id;
  const bool variables = version == "2012-10-17";
  policy->statements_.reserve(raw.size());
  for (const auto& r : raw) policy->statements_.push_back(CompileStatement(r, variables));
  for (const auto& s : policy->statements_) {
    if (!s.conditions.empty()) policy->reads_context_ = true;
    for (const auto& r : s.resources)
      if (r.has_variables()) policy->reads_context_ = true;
  }
  return PolicyPtr(std::move(policy));
}

}  // namespace orgroot::policy
