#include "services/cloudtrail/event_record.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "common/clock.h"
#include "common/json_writer.h"

namespace orgroot::services::cloudtrail {

namespace json = boost::json;

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Member names whose values CloudTrail never shows: passwords, private keys, MFA codes, bearer
// assertions and object content. Matched on the model's member name at any depth.
bool is_secret_member(std::string_view k) {
  static constexpr std::array<std::string_view, 16> kSecret{
      "Password",        "NewPassword",      "OldPassword",   "SecretAccessKey",
      "PrivateKey",      "SAMLAssertion",    "WebIdentityToken", "AuthenticationCode1",
      "AuthenticationCode2", "TokenCode",    "SSECustomerKey", "CopySourceSSECustomerKey",
      "Base32StringSeed", "QRCodePNG",       "Body",
      "ConfirmationCode"};
  for (auto s : kSecret)
    if (k == s) return true;
  return false;
}

// Members whose value is a map: its keys are data ("Policy", tag keys) and keep their spelling.
bool is_map_member(std::string_view k) {
  return k == "Attributes" || k == "MessageAttributes" || k == "MessageSystemAttributes" || k == "Metadata" ||
         k == "tags" || k == "Tags";
}

bool is_timestamp_member(std::string_view k) {
  return k == "Expiration" || k == "CreateDate" || k == "UploadDate" || k == "EnableDate";
}

// Strings CloudTrail could not store as JSON text (blob bytes) are replaced.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // ASCII, the common case, eight bytes at a time.
    for (uint64_t w; i + 8 <= s.size(); i += 8) {
      std::memcpy(&w, s.data() + i, sizeof w);
      if (w & 0x8080808080808080ULL) break;
    }
    if (i >= s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    if (c < 0x80) n = 0;
    else if ((c >> 5) == 0x6) n = 1;
    else if ((c >> 4) == 0xE) n = 2;
    else if ((c >> 3) == 0x1E) n = 3;
    else return false;
    if (i + n >= s.size()) return false;
    for (size_t j = 1; j <= n; ++j)
      if ((static_cast<unsigned char>(s[i + j]) >> 6) != 0x2) return false;
    i += n + 1;
  }
  return true;
}

struct Convert {
  bool rename = true;          // lowerCamelCase member names
  bool format_times = false;   // timestamp members -> "MMM d, yyyy, h:mm:ss a"
};

// The decoded parameters (or result) as CloudTrail shows them, written straight into the record:
// members renamed to lowerCamelCase, secrets left out, timestamps formatted as STS does, strings
// that are not UTF-8 hidden.
void write_converted(JsonWriter& w, const json::value& v, const Convert& how, bool keys_are_members);

void write_converted_object(JsonWriter& w, const json::object& o, const Convert& how, bool keys_are_members) {
  w.begin_object();
  std::string key;
  for (const auto& kv : o) {
    const std::string_view k = kv.key();
    if (keys_are_members && is_secret_member(k)) continue;
    key.assign(k);
    if (keys_are_members && how.rename && !key.empty())
      key[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(key[0])));
    w.key(key);
    if (keys_are_members && how.format_times && is_timestamp_member(k) && kv.value().is_number()) {
      w.string(sts_expiration(kv.value().to_number<double>()));
      continue;
    }
    const bool child_members = !(keys_are_members && is_map_member(k) && kv.value().is_object());
    write_converted(w, kv.value(), how, child_members);
  }
  w.end_object();
}

void write_converted(JsonWriter& w, const json::value& v, const Convert& how, bool keys_are_members) {
  switch (v.kind()) {
    case json::kind::object: write_converted_object(w, v.get_object(), how, keys_are_members); return;
    case json::kind::array:
      w.begin_array();
      for (const auto& e : v.get_array()) write_converted(w, e, how, true);
      w.end_array();
      return;
    case json::kind::string:
      w.string(valid_utf8(v.get_string()) ? std::string_view(v.get_string()) : kHidden);
      return;
    default: w.value(v); return;
  }
}

json::object convert_object(const json::object& o, const Convert& how, bool keys_are_members) {
  std::string text;
  JsonWriter w(text);
  write_converted_object(w, o, how, keys_are_members);
  return json::parse(text).as_object();
}

// Whether a converted object would have any member at all.
bool has_shown_members(const json::object& o) {
  for (const auto& kv : o)
    if (!is_secret_member(kv.key())) return true;
  return false;
}

bool is_sts_credentials_call(const AuditCall& c) {
  return c.service == "sts" && c.result.is_object() && c.result.get_object().contains("Credentials");
}

// Leaves out of v what write_converted leaves out of the record (the same walk).
void drop_secrets(json::value& v, bool keys_are_members);
void drop_secrets(json::object& o, bool keys_are_members) {
  if (keys_are_members)
    for (auto it = o.begin(); it != o.end();) it = is_secret_member(it->key()) ? o.stable_erase(it) : it + 1;
  for (auto& kv : o) {
    const bool child_members = !(keys_are_members && is_map_member(kv.key()) && kv.value().is_object());
    drop_secrets(kv.value(), child_members);
  }
}
void drop_secrets(json::value& v, bool keys_are_members) {
  if (v.is_object()) drop_secrets(v.get_object(), keys_are_members);
  else if (v.is_array())
    for (auto& e : v.get_array()) drop_secrets(e, true);
}

}  // namespace

bool is_read_only(std::string_view op) {
  for (auto p : {"Get", "List", "Describe", "Head", "Lookup"})
    if (starts_with(op, p)) return true;
  return false;
}

std::string event_source(std::string_view service) { return std::string(service) + ".amazonaws.com"; }

std::string event_type(std::string_view service, std::string_view op) {
  if (service == "signin" || op == "ConsoleLogin" || op == "PasswordRecoveryRequested" ||
      op == "PasswordRecoveryCompleted")
    return "AwsConsoleSignIn";
  return "AwsApiCall";
}

std::string event_type(const AuditCall& c) {
  if (!c.event_type.empty()) return c.event_type;
  return event_type(c.service, c.operation);
}

namespace {
bool is_console_sign_in(const AuditCall& c) { return event_type(c) == "AwsConsoleSignIn"; }
// Sign-in events fail with a message only ("Failed authentication"); API calls with a code.
bool failed(const AuditCall& c) { return !c.error_code.empty() || !c.error_message.empty(); }
}  // namespace

std::string lookup_username(const auth::Principal& p) {
  switch (p.type) {
    case auth::PrincipalType::Root: return "root";
    case auth::PrincipalType::IamUser:
    case auth::PrincipalType::AssumedRole: return p.user_name;
    case auth::PrincipalType::Anonymous: return {};
  }
  return {};
}

std::string event_time(double t) { return iso8601(t); }

std::string sts_expiration(double t) {
  static constexpr std::array<const char*, 12> kMon{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  int h12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buf[64];
  snprintf(buf, sizeof buf, "%s %d, %d, %d:%02d:%02d %s", kMon[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, h12,
           tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
  return buf;
}

std::string resource_name(std::string_view arn) {
  if (starts_with(arn, "arn:aws:s3:::")) return std::string(arn.substr(13));
  // arn:partition:service:region:account:resource
  size_t colons = 0, pos = 0;
  for (; pos < arn.size() && colons < 5; ++pos)
    if (arn[pos] == ':') ++colons;
  if (colons < 5) return std::string(arn);
  std::string_view res = arn.substr(pos);
  auto slash = res.rfind('/');
  if (slash != std::string_view::npos && slash + 1 < res.size()) return std::string(res.substr(slash + 1));
  return std::string(arn);
}

void write_user_identity(JsonWriter& w, const auth::Principal& p, double session_created) {
  auto attributes = [&] {
    w.key("attributes").begin_object();
    if (session_created > 0) w.member("creationDate", iso8601(session_created));
    w.member("mfaAuthenticated", p.mfa_authenticated ? "true" : "false");
    w.end_object();
  };
  w.begin_object();
  switch (p.type) {
    case auth::PrincipalType::IamUser:
      w.member("type", "IAMUser").member("principalId", p.user_id).member("arn", p.arn);
      w.member("accountId", p.account_id).member("accessKeyId", p.access_key_id).member("userName", p.user_name);
      if (p.temporary) {
        w.key("sessionContext").begin_object();
        attributes();
        w.end_object();
      }
      break;
    case auth::PrincipalType::AssumedRole:
      w.member("type", "AssumedRole").member("principalId", p.user_id).member("arn", p.arn);
      w.member("accountId", p.account_id).member("accessKeyId", p.access_key_id);
      w.key("sessionContext").begin_object();
      w.key("sessionIssuer").begin_object();
      w.member("type", "Role").member("principalId", p.role_id).member("arn", p.role_arn);
      w.member("accountId", p.account_id).member("userName", p.role_name);
      w.end_object();
      w.key("webIdFederationData").begin_object().end_object();
      attributes();
      if (!p.source_identity.empty()) w.member("sourceIdentity", p.source_identity);
      w.end_object();
      break;
    case auth::PrincipalType::Root:
      w.member("type", "Root").member("principalId", p.account_id);
      w.member("arn", p.arn.empty() ? "arn:aws:iam::" + p.account_id + ":root" : p.arn);
      w.member("accountId", p.account_id);
      if (!p.access_key_id.empty()) w.member("accessKeyId", p.access_key_id);
      if (p.temporary) {
        w.key("sessionContext").begin_object();
        attributes();
        if (!p.source_identity.empty()) w.member("sourceIdentity", p.source_identity);
        if (p.session_issuer == "AssumeRoot") w.member("assumedRoot", "true");
        w.end_object();
      }
      break;
    case auth::PrincipalType::Anonymous:
      w.member("type", "AWSAccount").member("principalId", "").member("accountId", "ANONYMOUS_PRINCIPAL");
      break;
  }
  w.end_object();
}

json::object user_identity(const auth::Principal& p, double session_created) {
  std::string text;
  JsonWriter w(text);
  write_user_identity(w, p, session_created);
  return json::parse(text).as_object();
}

static void write_request_parameters(JsonWriter& w, const AuditCall& c) {
  if (is_console_sign_in(c) || !has_shown_members(c.params)) {
    w.null();
  } else if (c.service != "s3") {
    write_converted_object(w, c.params, Convert{}, true);
  } else {
    w.value(request_parameters(c));  // S3 moves and adds members: built as a tree first
  }
}

// Whether the record of the call shows anything of its result.
static bool records_response(const AuditCall& c) {
  return is_console_sign_in(c) ||
         (c.error_code.empty() && (is_sts_credentials_call(c) || (c.service == "iam" && starts_with(c.operation, "Create"))));
}

void keep_what_records_show(AuditCall& c) {
  if (!records_response(c)) c.result = nullptr;
  drop_secrets(c.params, true);
  drop_secrets(c.result, true);
}

static void write_response_elements(JsonWriter& w, const AuditCall& c) {
  if (is_console_sign_in(c)) {
    w.value(response_elements(c));
  } else if (c.error_code.empty() && c.result.is_object() && !c.result.get_object().empty() &&
             (is_sts_credentials_call(c) || (c.service == "iam" && starts_with(c.operation, "Create")))) {
    write_converted_object(w, c.result.get_object(), Convert{true, true}, true);
  } else {
    w.null();
  }
}

json::value request_parameters(const AuditCall& c) {
  if (is_console_sign_in(c)) return nullptr;
  json::object out = convert_object(c.params, Convert{}, true);
  if (c.service == "s3") {
    if (auto it = out.find("bucket"); it != out.end()) {
      json::value b = it->value();
      out.erase(it);
      out["bucketName"] = std::move(b);
    }
    if (!c.host.empty()) out["Host"] = c.host;
  }
  if (out.empty()) return nullptr;
  return out;
}

json::value response_elements(const AuditCall& c) {
  if (is_console_sign_in(c)) {
    // {"ConsoleLogin":"Success"}, {"PasswordRecoveryRequested":"Failure"}, ... unless given.
    if (c.result.is_object() && !c.result.get_object().empty())
      return convert_object(c.result.get_object(), Convert{false, false}, true);
    return json::object{{c.operation, failed(c) ? "Failure" : "Success"}};
  }
  if (!c.error_code.empty()) return nullptr;
  if (is_sts_credentials_call(c) || (c.service == "iam" && starts_with(c.operation, "Create"))) {
    if (!c.result.is_object() || c.result.get_object().empty()) return nullptr;
    return convert_object(c.result.get_object(), Convert{true, true}, true);
  }
  return nullptr;
}

std::vector<AuditResource> record_resources(const AuditCall& c) {
  if (!c.resources.empty()) return c.resources;
  auto str = [&](std::string_view k) -> std::string {
    auto it = c.params.find(k);
    return it != c.params.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
  };
  const std::string& acct = c.principal.account_id;
  std::vector<AuditResource> out;
  if (c.service == "sts" && c.operation == "AssumeRoot") {
    if (auto target = str("TargetPrincipal"); !target.empty())
      out.push_back({target, "AWS::IAM::Root", "arn:aws:iam::" + target + ":root"});
  } else if (c.service == "iam" && !acct.empty()) {
    // The service gave no hints: the entities named by the request (paths unknown, so "/").
    if (auto u = str("UserName"); !u.empty()) out.push_back({acct, "AWS::IAM::User", "arn:aws:iam::" + acct + ":user/" + u});
    if (auto r = str("RoleName"); !r.empty()) out.push_back({acct, "AWS::IAM::Role", "arn:aws:iam::" + acct + ":role/" + r});
    if (auto g = str("GroupName"); !g.empty()) out.push_back({acct, "AWS::IAM::Group", "arn:aws:iam::" + acct + ":group/" + g});
    if (auto a = str("PolicyArn"); !a.empty()) out.push_back({acct, "AWS::IAM::Policy", a});
  } else if (c.service == "s3") {
    if (auto b = str("Bucket"); !b.empty()) out.push_back({acct, "AWS::S3::Bucket", "arn:aws:s3:::" + b});
  } else if (c.service == "sqs" && !acct.empty()) {
    std::string name = str("QueueName");
    if (auto url = str("QueueUrl"); !url.empty()) name = url.substr(url.rfind('/') + 1);
    if (!name.empty()) out.push_back({acct, "AWS::SQS::Queue", "arn:aws:sqs:" + c.region + ":" + acct + ":" + name});
  }
  return out;
}

std::string record_json(const RecordInput& in) {
  const AuditCall& c = *in.call;
  const std::string type = event_type(c);
  const bool sign_in = type == "AwsConsoleSignIn";
  std::string text;
  text.reserve(1536);
  JsonWriter w(text);
  w.begin_object();
  w.member("eventVersion", kEventVersion);
  w.key("userIdentity");
  write_user_identity(w, c.principal, in.session_created);
  w.member("eventTime", event_time(c.event_time));
  w.member("eventSource", event_source(c.service));
  w.member("eventName", c.operation);
  w.member("awsRegion", c.region);
  w.member("sourceIPAddress", c.source_ip);
  w.member("userAgent", c.user_agent);
  if (sign_in && failed(c)) {
    w.member("errorMessage", c.error_message.empty() ? c.error_code : c.error_message);
  } else if (!c.error_code.empty()) {
    w.member("errorCode", c.error_code);
    if (!c.error_message.empty()) w.member("errorMessage", c.error_message);
  }
  w.key("requestParameters");
  write_request_parameters(w, c);
  w.key("responseElements");
  write_response_elements(w, c);
  if (sign_in && !c.additional_event_data.empty())
    write_converted_object(w.key("additionalEventData"), c.additional_event_data, Convert{false, false}, true);
  else if (sign_in && !c.params.empty())
    write_converted_object(w.key("additionalEventData"), c.params, Convert{false, false}, true);
  w.member("requestID", c.request_id);
  w.member("eventID", in.event_id);
  w.member("readOnly", is_read_only(c.operation));
  std::vector<AuditResource> own;
  const std::vector<AuditResource>& resources = in.resources ? *in.resources : (own = record_resources(c));
  if (!resources.empty()) {
    w.key("resources").begin_array();
    for (const auto& res : resources) {
      w.begin_object();
      if (!res.account_id.empty()) w.member("accountId", res.account_id);
      w.member("type", res.type).member("ARN", res.arn);
      w.end_object();
    }
    w.end_array();
  }
  w.member("eventType", type);
  w.member("managementEvent", true);
  w.member("recipientAccountId", in.recipient_account);
  if (!in.shared_event_id.empty()) w.member("sharedEventID", in.shared_event_id);
  w.member("eventCategory", "Management");
  if (c.secure_transport) {
    w.key("tlsDetails").begin_object();
    w.member("tlsVersion", "TLSv1.3").member("cipherSuite", "TLS_AES_128_GCM_SHA256");
    w.member("clientProvidedHostHeader", c.host);
    w.end_object();
  }
  w.end_object();
  return text;
}

json::object build_record(const RecordInput& in) { return json::parse(record_json(in)).as_object(); }

}  // namespace orgroot::services::cloudtrail
