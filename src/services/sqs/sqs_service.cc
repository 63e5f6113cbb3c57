#include "services/sqs/sqs_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "auth/crypto.h"
#include "policy/policy_document.h"

namespace orgroot::services::sqs {

namespace json = boost::json;

namespace {

const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> m = {
      R"sql(
CREATE TABLE sqs_queues(
  account         TEXT NOT NULL,
  region          TEXT NOT NULL,
  name            TEXT NOT NULL,
  created_at      REAL NOT NULL,
  modified_at     REAL NOT NULL,
  attributes_json TEXT NOT NULL,
  tags_json       TEXT NOT NULL,
  PRIMARY KEY(account, region, name)
);
CREATE TABLE sqs_messages(
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  account           TEXT NOT NULL,
  region            TEXT NOT NULL,
  queue             TEXT NOT NULL,
  message_id        TEXT NOT NULL,
  body              TEXT NOT NULL,
  md5_body          TEXT NOT NULL,
  attributes_json   TEXT NOT NULL,
  md5_attributes    TEXT NOT NULL,
  sender_id         TEXT NOT NULL,
  sent_at           REAL NOT NULL,
  visible_at        REAL NOT NULL,
  receive_count     INTEGER NOT NULL,
  first_received_at REAL,
  receipt           TEXT
);
CREATE INDEX sqs_messages_by_queue ON sqs_messages(account, region, queue, id);
)sql",
  };
  return m;
}

struct IntRule {
  const char* name;
  int64_t def, lo, hi;
};
constexpr IntRule kIntAttributes[] = {
    {"DelaySeconds", 0, 0, 900},
    {"MaximumMessageSize", 1048576, 1024, 1048576},
    {"MessageRetentionPeriod", 345600, 60, 1209600},
    {"ReceiveMessageWaitTimeSeconds", 0, 0, 20},
    {"VisibilityTimeout", 30, 0, 43200},
    {"KmsDataKeyReusePeriodSeconds", 300, 60, 86400},
};
const IntRule* int_rule(std::string_view name) {
  for (const auto& r : kIntAttributes)
    if (name == r.name) return &r;
  return nullptr;
}
constexpr std::string_view kOtherSettable[] = {"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId",
                                               "SqsManagedSseEnabled"};
constexpr std::string_view kFifoOnly[] = {"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"};
constexpr std::string_view kReadOnly[] = {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                          "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp",
                                          "LastModifiedTimestamp", "QueueArn"};

template <size_t N>
bool one_of(const std::string_view (&set)[N], std::string_view v) {
  return std::find(std::begin(set), std::end(set), v) != std::end(set);
}

std::optional<int64_t> to_int(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  int64_t v = 0;
  bool neg = s.front() == '-';
  if (neg) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

std::map<std::string, std::string> parse_attrs(const std::string& text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (!ec && v.is_object())
    for (const auto& kv : v.get_object())
      if (kv.value().is_string()) out[std::string(kv.key())] = std::string(kv.value().get_string());
  return out;
}

std::string serialize_attrs(const std::map<std::string, std::string>& a) {
  json::object o;
  for (const auto& [k, v] : a) o[k] = v;
  return json::serialize(o);
}

// Checks the attributes of CreateQueue / SetQueueAttributes. `fifo`: the queue is (or will be) FIFO.
Status check_attributes(const json::object& attrs, bool fifo, bool creating) {
  for (const auto& kv : attrs) {
    std::string name(kv.key());
    std::string value = kv.value().is_string() ? std::string(kv.value().get_string()) : json::serialize(kv.value());
    if (auto r = int_rule(name)) {
      auto n = to_int(value);
      if (!n || *n < r->lo || *n > r->hi) return invalid_attribute_value(name);
    } else if (name == "Policy") {
      if (value.empty()) continue;
      policy::CompileOptions opt;
      opt.kind = policy::PolicyKind::Resource;
      if (!policy::CompilePolicy(value, opt)) return invalid_attribute_value(name);
    } else if (name == "RedrivePolicy" || name == "RedriveAllowPolicy") {
      if (value.empty()) continue;
      boost::system::error_code ec;
      auto v = json::parse(value, ec);
      if (ec || !v.is_object()) return invalid_attribute_value(name);
    } else if (name == "SqsManagedSseEnabled") {
      if (value != "true" && value != "false") return invalid_attribute_value(name);
    } else if (name == "KmsMasterKeyId") {
    } else if (name == "FifoQueue") {
      if (!creating) return invalid_attribute_value(name, "Modifying queue type is not supported.");
      if (value != "true" && value != "false") return invalid_attribute_value(name);
    } else if (one_of(kFifoOnly, name)) {
      if (!fifo) return invalid_attribute_name(name == "ContentBasedDeduplication"
                                                   ? "Unknown Attribute ContentBasedDeduplication."
                                                   : "You can specify the " + name +
                                                         " only when FifoQueue is set to true.");
    } else {
      return invalid_attribute_name("Unknown Attribute " + name + ".");
    }
  }
  return OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// errors

AwsError queue_does_not_exist() {
  AwsError e("QueueDoesNotExist", "The specified queue does not exist.", 400);
  e.query_code = "AWS.SimpleQueueService.NonExistentQueue";
  return e;
}
AwsError invalid_parameter_value(std::string message) {
  AwsError e("InvalidParameterValueException", std::move(message), 400);
  e.query_code = "InvalidParameterValue";
  return e;
}
AwsError missing_parameter(std::string name) {
  AwsError e("MissingRequiredParameterException", "The request must contain the parameter " + name + ".", 400);
  e.query_code = "MissingParameter";
  return e;
}
AwsError invalid_attribute_name(std::string message) { return AwsError("InvalidAttributeName", std::move(message), 400); }
AwsError invalid_attribute_value(std::string name, std::string reason) {
  std::string msg = "Invalid value for the parameter " + name + ".";
  if (!reason.empty()) msg += " Reason: " + reason;
  return AwsError("InvalidAttributeValue", std::move(msg), 400);
}

// ---------------------------------------------------------------------------------------------
// helpers

std::optional<QueueRef> parse_queue_url(std::string_view url, std::string_view region) {
  auto q = url.find_first_of("?#");
  if (q != std::string_view::npos) url = url.substr(0, q);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  auto slash = url.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view name = url.substr(slash + 1);
  std::string_view rest = url.substr(0, slash);
  auto slash2 = rest.rfind('/');
  if (slash2 == std::string_view::npos) return std::nullopt;
  std::string_view account = rest.substr(slash2 + 1);
  if (account.size() != 12 || !std::all_of(account.begin(), account.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  if (name.empty()) return std::nullopt;
  return QueueRef{std::string(account), std::string(region.empty() ? "us-east-1" : region), std::string(name)};
}

bool valid_queue_name(std::string_view name) {
  std::string_view base = name;
  if (base.size() > 5 && base.substr(base.size() - 5) == ".fifo") base.remove_suffix(5);
  if (name.empty() || name.size() > 80) return false;
  return std::all_of(base.begin(), base.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::string md5_of_message_attributes(const json::object& attributes) {
  std::vector<std::string> names;
  for (const auto& kv : attributes) names.emplace_back(kv.key());
  std::sort(names.begin(), names.end());
  std::string buf;
  auto put = [&](std::string_view s) {
    uint32_t n = static_cast<uint32_t>(s.size());
    buf += static_cast<char>((n >> 24) & 0xff);
    buf += static_cast<char>((n >> 16) & 0xff);
    buf += static_cast<char>((n >> 8) & 0xff);
    buf += static_cast<char>(n & 0xff);
    buf.append(s);
  };
  for (const auto& name : names) {
    const auto& v = attributes.at(name);
    if (!v.is_object()) continue;
    const auto& o = v.get_object();
    std::string type = param_str(o, "DataType");
    put(name);
    put(type);
    if (auto b = o.if_contains("BinaryValue"); b && b->is_string()) {
      buf += static_cast<char>(2);
      put(b->get_string());
    } else {
      buf += static_cast<char>(1);
      put(param_str(o, "StringValue"));
    }
  }
  return crypto::md5_hex(buf);
}

SqsService::SqsService(ServiceDeps& deps) : deps_(deps) {
  deps_.db.migrate("sqs", migrations());
  register_queue_handlers();
  register_message_handlers();
}

std::optional<QueueRow> SqsService::queue(Db& d, const QueueRef& ref) const {
  auto st = d.prepare(
      "SELECT created_at, modified_at, attributes_json FROM sqs_queues WHERE account=? AND region=? AND name=?");
  st.bind(1, ref.account).bind(2, ref.region).bind(3, ref.name);
  if (!st.step()) return std::nullopt;
  return QueueRow{ref, st.f64(0), st.f64(1), parse_attrs(st.text(2))};
}

Result<QueueRow> SqsService::existing_queue(Db& d, const Params& p, const CallContext& ctx) const {
  std::string url = param_str(p, "QueueUrl");
  auto ref = parse_queue_url(url, ctx.region);
  if (!ref) {
    if (url.find('/') == std::string::npos) return queue_does_not_exist();
    return AwsError("InvalidAddress", "The address " + url + " is not valid for this endpoint.", 404);
  }
  auto q = queue(d, *ref);
  if (!q) return queue_does_not_exist();
  return *q;
}

void SqsService::save_attributes(Db& d, const QueueRow& q) {
  auto st = d.prepare("UPDATE sqs_queues SET attributes_json=?, modified_at=? WHERE account=? AND region=? AND name=?");
  st.bind(1, serialize_attrs(q.attributes)).bind(2, q.modified_at).bind(3, q.ref.account).bind(4, q.ref.region);
  st.bind(5, q.ref.name);
  st.run();
}

int64_t SqsService::attr_int(const QueueRow& q, const std::string& name) const {
  if (auto it = q.attributes.find(name); it != q.attributes.end())
    if (auto n = to_int(it->second)) return *n;
  if (auto r = int_rule(name)) return r->def;
  return 0;
}

// The value of each requested attribute ("All" = every one), as GetQueueAttributes answers.
json::object SqsService::all_attributes(Db& d, const QueueRow& q, const std::vector<std::string>& names) const {
  const bool all = std::find(names.begin(), names.end(), "All") != names.end();
  auto wanted = [&](std::string_view n) { return all || std::find(names.begin(), names.end(), n) != names.end(); };
  const bool fifo = q.attributes.count("FifoQueue") && q.attributes.at("FifoQueue") == "true";
  const double now = deps_.clock.now_seconds();
  json::object out;
  auto count = [&](const char* where) {
    auto st = d.prepare(fmt::format("SELECT COUNT(*) FROM sqs_messages WHERE account=? AND region=? AND queue=? AND {}",
                                    where));
    st.bind(1, q.ref.account).bind(2, q.ref.region).bind(3, q.ref.name).bind(4, now);
    st.step();
    return std::to_string(st.i64(0));
  };
  if (wanted("QueueArn")) out["QueueArn"] = q.ref.arn();
  if (wanted("ApproximateNumberOfMessages")) out["ApproximateNumberOfMessages"] = count("visible_at<=?");
  if (wanted("ApproximateNumberOfMessagesNotVisible"))
    out["ApproximateNumberOfMessagesNotVisible"] = count("visible_at>? AND receive_count>0");
  if (wanted("ApproximateNumberOfMessagesDelayed"))
    out["ApproximateNumberOfMessagesDelayed"] = count("visible_at>? AND receive_count=0");
  if (wanted("CreatedTimestamp")) out["CreatedTimestamp"] = std::to_string(static_cast<int64_t>(q.created_at));
  if (wanted("LastModifiedTimestamp")) out["LastModifiedTimestamp"] = std::to_string(static_cast<int64_t>(q.modified_at));
  for (const auto& r : kIntAttributes) {
    if (std::string_view(r.name) == "KmsDataKeyReusePeriodSeconds" && !q.attributes.count("KmsMasterKeyId")) continue;
    if (wanted(r.name)) out[r.name] = std::to_string(attr_int(q, r.name));
  }
  if (wanted("SqsManagedSseEnabled") && !q.attributes.count("KmsMasterKeyId"))
    out["SqsManagedSseEnabled"] = q.attributes.count("SqsManagedSseEnabled") ? q.attributes.at("SqsManagedSseEnabled")
                                                                               : std::string("true");
  for (auto n : {"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"})
    if (wanted(n) && q.attributes.count(n) && !q.attributes.at(n).empty()) out[n] = q.attributes.at(n);
  if (fifo) {
    if (wanted("FifoQueue")) out["FifoQueue"] = "true";
    if (wanted("ContentBasedDeduplication"))
      out["ContentBasedDeduplication"] =
          q.attributes.count("ContentBasedDeduplication") ? q.attributes.at("ContentBasedDeduplication") : "false";
    if (wanted("DeduplicationScope"))
      out["DeduplicationScope"] = q.attributes.count("DeduplicationScope") ? q.attributes.at("DeduplicationScope") : "queue";
    if (wanted("FifoThroughputLimit"))
      out["FifoThroughputLimit"] =
          q.attributes.count("FifoThroughputLimit") ? q.attributes.at("FifoThroughputLimit") : "perQueue";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// authorization and audit

std::optional<QueueRef> SqsService::target_queue(std::string_view op, const Params& p, const CallContext& ctx) const {
  const std::string region(ctx.region.empty() ? "us-east-1" : ctx.region);
  if (op == "CreateQueue") return QueueRef{ctx.principal.account_id, region, param_str(p, "QueueName")};
  if (op == "GetQueueUrl") {
    std::string owner = param_str(p, "QueueOwnerAWSAccountId", ctx.principal.account_id);
    return QueueRef{owner, region, param_str(p, "QueueName")};
  }
  if (param(p, "QueueUrl")) return parse_queue_url(param_str(p, "QueueUrl"), region);
  return std::nullopt;
}

AuthzTarget SqsService::authz_target(std::string_view op, const Params& p, const CallContext& ctx) const {
  AuthzTarget t;
  t.action = "sqs:" + std::string(op);
  if (op == "ListQueues") return t;  // no resource type
  auto ref = target_queue(op, p, ctx);
  if (!ref) return t;
  t.resource = ref->arn();
  t.resource_account = ref->account;
  if (op != "CreateQueue") {
    auto q = deps_.db.run([&](Db& d) { return queue(d, *ref); });
    if (q)
      if (auto it = q->attributes.find("Policy"); it != q->attributes.end() && !it->second.empty())
        t.resource_policy = it->second;
  }
  // The owner's root can always read the queue's attributes and replace its policy (spec 2.4:
  // what an SQSUnlockQueuePolicy root session needs); nothing else is exempt.
  if (op == "GetQueueAttributes" || op == "GetQueueUrl") t.root_exempt_from_resource_policy_deny = true;
  if (op == "SetQueueAttributes") {
    auto a = param(p, "Attributes");
    bool only_policy = a && a->is_object() && !a->get_object().empty();
    if (only_policy)
      for (const auto& kv : a->get_object())
        if (kv.key() != "Policy") only_policy = false;
    t.root_exempt_from_resource_policy_deny = only_policy;
  }
  return t;
}

void SqsService::audit_hints(std::string_view op, const Params& p, const json::value&, const CallContext& ctx,
                             std::vector<std::string>& recipients, std::vector<AuditResource>& resources) const {
  auto ref = target_queue(op, p, ctx);
  if (!ref || ref->name.empty() || ref->account.empty()) return;
  resources.push_back({ref->account, "AWS::SQS::Queue", ref->arn()});
  if (std::find(recipients.begin(), recipients.end(), ref->account) == recipients.end())
    recipients.push_back(ref->account);
}

// ---------------------------------------------------------------------------------------------
// queues

void SqsService::register_queue_handlers() {
  on("CreateQueue", [this](CallContext& c, const Params& p) { return create_queue(c, p); });
  on("GetQueueUrl", [this](CallContext& c, const Params& p) { return get_queue_url(c, p); });
  on("ListQueues", [this](CallContext& c, const Params& p) { return list_queues(c, p); });
  on("DeleteQueue", [this](CallContext& c, const Params& p) { return delete_queue(c, p); });
  on("GetQueueAttributes", [this](CallContext& c, const Params& p) { return get_queue_attributes(c, p); });
  on("SetQueueAttributes", [this](CallContext& c, const Params& p) { return set_queue_attributes(c, p); });
  on("AddPermission", [this](CallContext& c, const Params& p) { return add_permission(c, p); });
  on("RemovePermission", [this](CallContext& c, const Params& p) { return remove_permission(c, p); });
}

OperationResult SqsService::create_queue(CallContext& ctx, const Params& p) {
  const std::string name = param_str(p, "QueueName");
  if (!valid_queue_name(name))
    return invalid_parameter_value("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  json::object attrs;
  if (auto a = param(p, "Attributes"); a && a->is_object()) attrs = a->get_object();
  const bool fifo_name = name.size() > 5 && name.substr(name.size() - 5) == ".fifo";
  bool fifo = false;
  if (auto f = attrs.if_contains("FifoQueue"); f && f->is_string()) fifo = f->get_string() == "true";
  if (fifo != fifo_name) {
    if (fifo) return invalid_parameter_value("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.");
    return invalid_parameter_value("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  }
  if (auto st = check_attributes(attrs, fifo, true); !st) return std::move(st).error();
  QueueRef ref{ctx.principal.account_id, std::string(ctx.region.empty() ? "us-east-1" : ctx.region), name};
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    if (auto q = queue(d, ref)) {
      for (const auto& kv : attrs) {
        std::string k(kv.key());
        std::string want(kv.value().is_string() ? kv.value().get_string() : "");
        std::string have;
        if (auto it = q->attributes.find(k); it != q->attributes.end()) have = it->second;
        else if (auto r = int_rule(k)) have = std::to_string(r->def);
        else if (k == "SqsManagedSseEnabled") have = "true";
        else if (k == "FifoQueue" || k == "ContentBasedDeduplication") have = "false";
        if (want != have) {
          AwsError e("QueueNameExists",
                     "A queue already exists with the same name and a different value for attribute " + k, 400);
          e.query_code = "QueueAlreadyExists";
          return e;
        }
      }
      return done({{"QueueUrl", ref.url()}});
    }
    std::map<std::string, std::string> stored;
    for (const auto& kv : attrs)
      if (kv.value().is_string()) stored[std::string(kv.key())] = std::string(kv.value().get_string());
    if (stored.count("Policy") && stored["Policy"].empty()) stored.erase("Policy");
    json::object tags;
    if (auto t = param(p, "tags"); t && t->is_object()) tags = t->get_object();
    const double now = static_cast<double>(static_cast<int64_t>(deps_.clock.now_seconds()));
    auto st = d.prepare(
        "INSERT INTO sqs_queues(account, region, name, created_at, modified_at, attributes_json, tags_json) "
        "VALUES(?,?,?,?,?,?,?)");
    st.bind(1, ref.account).bind(2, ref.region).bind(3, ref.name).bind(4, now).bind(5, now);
    st.bind(6, serialize_attrs(stored)).bind(7, json::serialize(tags));
    st.run();
    return done({{"QueueUrl", ref.url()}});
  });
}

OperationResult SqsService::get_queue_url(CallContext& ctx, const Params& p) {
  auto ref = target_queue("GetQueueUrl", p, ctx);
  return deps_.db.run([&](Db& d) -> OperationResult {
    if (!ref || !queue(d, *ref)) return queue_does_not_exist();
    return done({{"QueueUrl", ref->url()}});
  });
}

OperationResult SqsService::list_queues(CallContext& ctx, const Params& p) {
  const std::string prefix = param_str(p, "QueueNamePrefix");
  std::optional<int64_t> max = param_int(p, "MaxResults");
  if (max && (*max < 1 || *max > 1000))
    return invalid_parameter_value(fmt::format(
        "Value {} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.", *max));
  std::string after;
  if (auto t = param(p, "NextToken"); t && t->is_string()) {
    auto decoded = crypto::base64_decode(t->get_string());
    if (!decoded || decoded->rfind("q:", 0) != 0) return invalid_parameter_value("Invalid NextToken value.");
    after = decoded->substr(2);
  }
  const std::string region(ctx.region.empty() ? "us-east-1" : ctx.region);
  return deps_.db.run([&](Db& d) -> OperationResult {
    auto st = d.prepare("SELECT name FROM sqs_queues WHERE account=? AND region=? AND name>? ORDER BY name");
    st.bind(1, ctx.principal.account_id).bind(2, region).bind(3, after);
    json::array urls;
    std::string last;
    bool more = false;
    const int64_t limit = max.value_or(1000);
    while (st.step()) {
      std::string name = st.text(0);
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      if (static_cast<int64_t>(urls.size()) >= limit) {
        more = true;
        break;
      }
      urls.push_back(json::value(QueueRef{ctx.principal.account_id, region, name}.url()));
      last = name;
    }
    json::object out;
    if (!urls.empty()) out["QueueUrls"] = std::move(urls);
    if (more && max) out["NextToken"] = crypto::base64_encode("q:" + last);
    return done(std::move(out));
  });
}

OperationResult SqsService::delete_queue(CallContext& ctx, const Params& p) {
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    for (const char* sql : {"DELETE FROM sqs_messages WHERE account=? AND region=? AND queue=?",
                            "DELETE FROM sqs_queues WHERE account=? AND region=? AND name=?"}) {
      auto st = d.prepare(sql);
      st.bind(1, q->ref.account).bind(2, q->ref.region).bind(3, q->ref.name);
      st.run();
    }
    return done();
  });
}

OperationResult SqsService::get_queue_attributes(CallContext& ctx, const Params& p) {
  std::vector<std::string> names;
  if (auto a = param(p, "AttributeNames"); a && a->is_array())
    for (const auto& v : a->get_array())
      if (v.is_string()) names.emplace_back(v.get_string());
  for (const auto& n : names)
    if (n != "All" && !int_rule(n) && !one_of(kOtherSettable, n) && !one_of(kFifoOnly, n) && !one_of(kReadOnly, n) &&
        n != "FifoQueue")
      return invalid_attribute_name("Unknown Attribute " + n + ".");
  return deps_.db.run([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    json::object attrs = all_attributes(d, *q, names);
    json::object out;
    if (!attrs.empty()) out["Attributes"] = std::move(attrs);
    return done(std::move(out));
  });
}

OperationResult SqsService::set_queue_attributes(CallContext& ctx, const Params& p) {
  json::object attrs;
  if (auto a = param(p, "Attributes"); a && a->is_object()) attrs = a->get_object();
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    const bool fifo = q->attributes.count("FifoQueue") && q->attributes.at("FifoQueue") == "true";
    if (auto st = check_attributes(attrs, fifo, false); !st) return std::move(st).error();
    for (const auto& kv : attrs) {
      std::string k(kv.key());
      std::string v(kv.value().is_string() ? kv.value().get_string() : "");
      if (v.empty() && (k == "Policy" || k == "RedrivePolicy" || k == "RedriveAllowPolicy" || k == "KmsMasterKeyId"))
        q->attributes.erase(k);
      else
        q->attributes[k] = v;
    }
    q->modified_at = static_cast<double>(static_cast<int64_t>(deps_.clock.now_seconds()));
    save_attributes(d, *q);
    return done();
  });
}

// ---------------------------------------------------------------------------------------------
// AddPermission / RemovePermission edit the queue policy as SQS does: one statement per label
// (Sid = Label), Principal {"AWS": account root ARNs}, Action "SQS:<action>".

namespace {
constexpr std::string_view kPermissionActions[] = {"*",           "SendMessage",     "ReceiveMessage",
                                                   "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes",
                                                   "GetQueueUrl"};
json::value one_or_many(const std::vector<std::string>& v) {
  if (v.size() == 1) return json::value(v.front());
  json::array a;
  for (const auto& s : v) a.push_back(json::value(s));
  return a;
}
std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}
}  // namespace

OperationResult SqsService::add_permission(CallContext& ctx, const Params& p) {
  const std::string label = param_str(p, "Label");
  auto accounts = strings_of(param(p, "AWSAccountIds"));
  auto actions = strings_of(param(p, "Actions"));
  const bool label_ok = !label.empty() && label.size() <= 80 && std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (!label_ok) return invalid_parameter_value(fmt::format("Value {} for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.", label));
  if (accounts.empty()) return missing_parameter("AWSAccountIds");
  if (actions.empty()) return missing_parameter("Actions");
  for (const auto& a : actions)
    if (!one_of(kPermissionActions, a))
      return invalid_parameter_value(fmt::format(
          "Value SQS:{} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of "
          "valid actions.",
          a));
  std::vector<std::string> principals, sqs_actions;
  for (const auto& a : accounts) {
    if (a.size() != 12 || !std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return invalid_parameter_value(
          fmt::format("Value [{}] for parameter PrincipalId is invalid. Reason: Unable to verify.", a));
    principals.push_back("arn:aws:iam::" + a + ":root");
  }
  for (const auto& a : actions) sqs_actions.push_back("SQS:" + a);
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    json::object doc;
    if (auto it = q->attributes.find("Policy"); it != q->attributes.end() && !it->second.empty()) {
      boost::system::error_code ec;
      auto v = json::parse(it->second, ec);
      if (!ec && v.is_object()) doc = v.get_object();
    }
    if (doc.empty()) doc = json::object{{"Version", "2012-10-17"}, {"Id", q->ref.arn() + "/SQSDefaultPolicy"}};
    json::array statements;
    if (auto s = doc.if_contains("Statement")) {
      if (s->is_array()) statements = s->get_array();
      else if (s->is_object()) statements.push_back(*s);
    }
    for (const auto& s : statements)
      if (s.is_object() && param_str(s.get_object(), "Sid") == label)
        return invalid_parameter_value(
            fmt::format("Value {} for parameter Label is invalid. Reason: Already exists.", label));
    statements.push_back(json::object{{"Sid", label},
                                      {"Effect", "Allow"},
                                      {"Principal", json::object{{"AWS", one_or_many(principals)}}},
                                      {"Action", one_or_many(sqs_actions)},
                                      {"Resource", q->ref.arn()}});
    doc["Statement"] = std::move(statements);
    q->attributes["Policy"] = json::serialize(doc);
    q->modified_at = static_cast<double>(static_cast<int64_t>(deps_.clock.now_seconds()));
    save_attributes(d, *q);
    return done();
  });
}

OperationResult SqsService::remove_permission(CallContext& ctx, const Params& p) {
  const std::string label = param_str(p, "Label");
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    auto not_found = invalid_parameter_value(
        fmt::format("Value {} for parameter Label is invalid. Reason: can't find label.", label));
    auto it = q->attributes.find("Policy");
    if (it == q->attributes.end() || it->second.empty()) return not_found;
    boost::system::error_code ec;
    auto v = json::parse(it->second, ec);
    if (ec || !v.is_object()) return not_found;
    json::object doc = v.get_object();
    json::array kept;
    bool found = false;
    if (auto s = doc.if_contains("Statement")) {
      json::array all;
      if (s->is_array()) all = s->get_array();
      else all.push_back(*s);
      for (auto& st : all) {
        if (st.is_object() && param_str(st.get_object(), "Sid") == label) found = true;
        else kept.push_back(st);
      }
    }
    if (!found) return not_found;
    if (kept.empty()) {
      q->attributes.erase("Policy");
    } else {
      doc["Statement"] = std::move(kept);
      q->attributes["Policy"] = json::serialize(doc);
    }
    q->modified_at = static_cast<double>(static_cast<int64_t>(deps_.clock.now_seconds()));
    save_attributes(d, *q);
    return done();
  });
}

}  // namespace orgroot::services::sqs
