// SQS messages: SendMessage, ReceiveMessage (visibility timeout, receipt handles), DeleteMessage.
#include <fmt/format.h>

#include "auth/crypto.h"
#include "common/ids.h"
#include "services/sqs/sqs_service.h"

namespace orgroot::services::sqs {

namespace json = boost::json;

namespace {

bool valid_message_char(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// The characters SQS accepts in a message body (XML 1.0's); false also for invalid UTF-8.
bool valid_message_body(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    int extra = 0;
    if (c < 0x80) cp = c;
    else if ((c & 0xE0) == 0xC0) cp = c & 0x1F, extra = 1;
    else if ((c & 0xF0) == 0xE0) cp = c & 0x0F, extra = 2;
    else if ((c & 0xF8) == 0xF0) cp = c & 0x07, extra = 3;
    else return false;
    if (i + extra >= s.size() + (extra ? 0 : 1)) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!valid_message_char(cp)) return false;
    i += extra + 1;
  }
  return true;
}

// Receipt handles: base64 of "<queue arn> <message row id> <random>", so that DeleteMessage can
// tell a malformed handle (ReceiptHandleIsInvalid) from a stale one (accepted, as SQS does).
std::string make_receipt(Random& r, const QueueRef& q, int64_t id) {
  return crypto::base64_encode(fmt::format("{} {} {}{}", q.arn(), id, ids::uuid4(r), ids::uuid4(r)));
}
std::optional<int64_t> receipt_message_id(std::string_view handle, const QueueRef& q) {
  auto raw = crypto::base64_decode(handle);
  if (!raw) return std::nullopt;
  auto sp1 = raw->find(' ');
  if (sp1 == std::string::npos || raw->substr(0, sp1) != q.arn()) return std::nullopt;
  auto sp2 = raw->find(' ', sp1 + 1);
  if (sp2 == std::string::npos) return std::nullopt;
  try {
    size_t used = 0;
    std::string num = raw->substr(sp1 + 1, sp2 - sp1 - 1);
    int64_t id = std::stoll(num, &used);
    if (used != num.size()) return std::nullopt;
    return id;
  } catch (...) {
    return std::nullopt;
  }
}

bool wants(const std::vector<std::string>& names, std::string_view n) {
  for (const auto& w : names) {
    if (w == "All" || w == ".*" || w == n) return true;
    if (w.size() > 2 && w.substr(w.size() - 2) == ".*" && n.substr(0, w.size() - 2) == w.substr(0, w.size() - 2))
      return true;
  }
  return false;
}

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

}  // namespace

void SqsService::register_message_handlers() {
  on("SendMessage", [this](CallContext& c, const Params& p) { return send_message(c, p); });
  on("ReceiveMessage", [this](CallContext& c, const Params& p) { return receive_message(c, p); });
  on("DeleteMessage", [this](CallContext& c, const Params& p) { return delete_message(c, p); });
}

OperationResult SqsService::send_message(CallContext& ctx, const Params& p) {
  if (!param(p, "MessageBody")) return missing_parameter("MessageBody");
  const std::string body = param_str(p, "MessageBody");
  if (body.empty()) return missing_parameter("MessageBody");
  if (!valid_message_body(body))
    return AwsError("InvalidMessageContents", "Invalid characters found.", 400);
  json::object attrs;
  if (auto a = param(p, "MessageAttributes"); a && a->is_object()) attrs = a->get_object();
  for (const auto& kv : attrs) {
    const auto* o = kv.value().if_object();
    std::string type = o ? param_str(*o, "DataType") : "";
    bool has_value = o && ((o->if_contains("StringValue") && !param_str(*o, "StringValue").empty()) ||
                           o->if_contains("BinaryValue"));
    if (type.empty())
      return invalid_parameter_value(
          fmt::format("The message attribute '{}' must contain non-empty message attribute type.", kv.key()));
    if (!has_value)
      return invalid_parameter_value(fmt::format(
          "The message attribute '{}' must contain non-empty message attribute value for message attribute type '{}'.",
          kv.key(), type));
  }
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    const int64_t max_size = attr_int(*q, "MaximumMessageSize");
    size_t size = body.size();
    for (const auto& kv : attrs) {
      size += kv.key().size();
      const auto& o = kv.value().get_object();
      size += param_str(o, "DataType").size() + param_str(o, "StringValue").size() + param_str(o, "BinaryValue").size();
    }
    if (static_cast<int64_t>(size) > max_size)
      return invalid_parameter_value(fmt::format(
          "One or more parameters are invalid. Reason: Message must be shorter than {} bytes.", max_size));
    int64_t delay = attr_int(*q, "DelaySeconds");
    if (auto ds = param_int(p, "DelaySeconds")) {
      if (*ds < 0 || *ds > 900)
        return invalid_parameter_value(fmt::format(
            "Value {} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", *ds));
      delay = *ds;
    }
    const double now = deps_.clock.now_seconds();
    const std::string id = ids::uuid4(deps_.random);
    const std::string md5_body = crypto::md5_hex(body);
    const std::string md5_attrs = attrs.empty() ? "" : md5_of_message_attributes(attrs);
    auto st = d.prepare(
        "INSERT INTO sqs_messages(account, region, queue, message_id, body, md5_body, attributes_json, md5_attributes, "
        "sender_id, sent_at, visible_at, receive_count, first_received_at, receipt) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,0,NULL,NULL)");
    st.bind(1, q->ref.account).bind(2, q->ref.region).bind(3, q->ref.name).bind(4, id).bind(5, body);
    st.bind(6, md5_body).bind(7, json::serialize(attrs)).bind(8, md5_attrs);
    st.bind(9, ctx.principal.user_id.empty() ? ctx.principal.account_id : ctx.principal.user_id);
    st.bind(10, now).bind(11, now + static_cast<double>(delay));
    st.run();
    json::object out{{"MessageId", id}, {"MD5OfMessageBody", md5_body}};
    if (!md5_attrs.empty()) out["MD5OfMessageAttributes"] = md5_attrs;
    return done(std::move(out));
  });
}

OperationResult SqsService::receive_message(CallContext& ctx, const Params& p) {
  int64_t max = 1;
  if (auto n = param_int(p, "MaxNumberOfMessages")) {
    if (*n < 1 || *n > 10)
      return invalid_parameter_value(fmt::format(
          "Value {} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", *n));
    max = *n;
  }
  if (auto w = param_int(p, "WaitTimeSeconds"); w && (*w < 0 || *w > 20))
    return invalid_parameter_value(fmt::format(
        "Value {} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", *w));
  std::optional<int64_t> vt = param_int(p, "VisibilityTimeout");
  if (vt && (*vt < 0 || *vt > 43200))
    return invalid_parameter_value(fmt::format(
        "Value {} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", *vt));
  auto system_names = strings_of(param(p, "MessageSystemAttributeNames"));
  for (auto& n : strings_of(param(p, "AttributeNames"))) system_names.push_back(n);
  auto attr_names = strings_of(param(p, "MessageAttributeNames"));

  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    const double now = deps_.clock.now_seconds();
    const int64_t timeout = vt.value_or(attr_int(*q, "VisibilityTimeout"));
    {  // messages past the retention period are gone
      auto st = d.prepare("DELETE FROM sqs_messages WHERE account=? AND region=? AND queue=? AND sent_at<?");
      st.bind(1, q->ref.account).bind(2, q->ref.region).bind(3, q->ref.name);
      st.bind(4, now - static_cast<double>(attr_int(*q, "MessageRetentionPeriod")));
      st.run();
    }
    auto st = d.prepare(
        "SELECT id, message_id, body, md5_body, attributes_json, md5_attributes, sender_id, sent_at, receive_count, "
        "first_received_at FROM sqs_messages WHERE account=? AND region=? AND queue=? AND visible_at<=? "
        "ORDER BY id LIMIT ?");
    st.bind(1, q->ref.account).bind(2, q->ref.region).bind(3, q->ref.name).bind(4, now).bind(5, max);
    struct Row {
      int64_t id;
      std::string message_id, body, md5, attrs, md5_attrs, sender;
      double sent_at;
      int64_t count;
      double first;
    };
    std::vector<Row> rows;
    while (st.step())
      rows.push_back(Row{st.i64(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), st.f64(7),
                         st.i64(8) + 1, st.is_null(9) ? now : st.f64(9)});
    json::array messages;
    for (const auto& r : rows) {
      std::string receipt = make_receipt(deps_.random, q->ref, r.id);
      auto up = d.prepare(
          "UPDATE sqs_messages SET visible_at=?, receive_count=?, first_received_at=?, receipt=? WHERE id=?");
      up.bind(1, now + static_cast<double>(timeout)).bind(2, r.count).bind(3, r.first).bind(4, receipt).bind(5, r.id);
      up.run();
      json::object m{{"MessageId", r.message_id}, {"ReceiptHandle", receipt}, {"MD5OfBody", r.md5}, {"Body", r.body}};
      json::object sys;
      auto ms = [](double t) { return std::to_string(static_cast<int64_t>(t * 1000)); };
      if (wants(system_names, "SenderId")) sys["SenderId"] = r.sender;
      if (wants(system_names, "SentTimestamp")) sys["SentTimestamp"] = ms(r.sent_at);
      if (wants(system_names, "ApproximateReceiveCount")) sys["ApproximateReceiveCount"] = std::to_string(r.count);
      if (wants(system_names, "ApproximateFirstReceiveTimestamp")) sys["ApproximateFirstReceiveTimestamp"] = ms(r.first);
      if (!sys.empty()) m["Attributes"] = std::move(sys);
      if (!attr_names.empty()) {
        boost::system::error_code ec;
        auto all = json::parse(r.attrs, ec);
        json::object chosen;
        if (!ec && all.is_object())
          for (const auto& kv : all.get_object())
            if (wants(attr_names, kv.key())) chosen[kv.key()] = kv.value();
        if (!chosen.empty()) {
          m["MD5OfMessageAttributes"] = md5_of_message_attributes(chosen);
          m["MessageAttributes"] = std::move(chosen);
        }
      }
      messages.push_back(std::move(m));
    }
    json::object out;
    if (!messages.empty()) out["Messages"] = std::move(messages);
    return done(std::move(out));
  });
}

OperationResult SqsService::delete_message(CallContext& ctx, const Params& p) {
  const std::string handle = param_str(p, "ReceiptHandle");
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto q = existing_queue(d, p, ctx);
    if (!q) return std::move(q).error();
    auto id = receipt_message_id(handle, q->ref);
    if (!id)
      return AwsError("ReceiptHandleIsInvalid",
                      fmt::format("The input receipt handle \"{}\" is not a valid receipt handle.", handle), 400);
    auto st = d.prepare("DELETE FROM sqs_messages WHERE id=? AND account=? AND region=? AND queue=?");
    st.bind(1, *id).bind(2, q->ref.account).bind(3, q->ref.region).bind(4, q->ref.name);
    st.run();
    return done();
  });
}

}  // namespace orgroot::services::sqs
