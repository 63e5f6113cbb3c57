#include "services/cloudtrail/cloudtrail_service.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace orgroot::services::cloudtrail {

namespace json = boost::json;

namespace {

AwsError invalid_lookup_attributes(std::string msg) {
  return AwsError("InvalidLookupAttributesException", std::move(msg), 400);
}

std::optional<LookupKey> key_from(std::string_view k) {
  if (k == "EventId") return LookupKey::EventId;
  if (k == "EventName") return LookupKey::EventName;
  if (k == "ReadOnly") return LookupKey::ReadOnly;
  if (k == "Username") return LookupKey::Username;
  if (k == "ResourceType") return LookupKey::ResourceType;
  if (k == "ResourceName") return LookupKey::ResourceName;
  if (k == "EventSource") return LookupKey::EventSource;
  if (k == "AccessKeyId") return LookupKey::AccessKeyId;
  return std::nullopt;
}

std::optional<double> time_param(const json::object& p, std::string_view k) {
  auto v = param(p, k);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

// FNV-1a over the filter, so that a token only works with the parameters it was issued for.
uint64_t fingerprint(const EventQuery& q, double t, int64_t seq) {
  std::string s = fmt::format("{}|{}|{}|{}|{}|{}|{}", q.account_id, static_cast<int>(q.key), q.value,
                              q.start_time ? fmt::format("{:.3f}", *q.start_time) : "-",
                              q.end_time ? fmt::format("{:.3f}", *q.end_time) : "-", static_cast<int64_t>(t), seq);
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string encode_next_token(const EventQuery& q, double event_time, int64_t seq) {
  return fmt::format("{:x}.{:x}.{:016x}", static_cast<int64_t>(event_time), seq, fingerprint(q, event_time, seq));
}

std::optional<std::pair<double, int64_t>> decode_next_token(const EventQuery& q, std::string_view token) {
  auto p1 = token.find('.');
  if (p1 == std::string_view::npos) return std::nullopt;
  auto p2 = token.find('.', p1 + 1);
  if (p2 == std::string_view::npos) return std::nullopt;
  auto hex = [](std::string_view s, auto& out) {
    if (s.empty()) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out, 16);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  int64_t t = 0, seq = 0;
  uint64_t fp = 0;
  if (!hex(token.substr(0, p1), t) || !hex(token.substr(p1 + 1, p2 - p1 - 1), seq) || !hex(token.substr(p2 + 1), fp))
    return std::nullopt;
  if (fp != fingerprint(q, static_cast<double>(t), seq)) return std::nullopt;
  return std::make_pair(static_cast<double>(t), seq);
}

CloudTrailService::CloudTrailService(EventStore& events) : events_(events) {
  on("LookupEvents", [this](CallContext& c, const json::object& p) { return lookup_events(c, p); });
}

OperationResult CloudTrailService::lookup_events(const CallContext& ctx, const json::object& p) {
  EventQuery q;
  q.account_id = ctx.principal.account_id;

  if (auto attrs = param(p, "LookupAttributes"); attrs && attrs->is_array()) {
    const auto& list = attrs->get_array();
    if (list.size() > 1)
      return invalid_lookup_attributes("You cannot specify more than one lookup attribute.");
    if (list.size() == 1 && list[0].is_object()) {
      const auto& a = list[0].get_object();
      const std::string k = param_str(a, "AttributeKey");
      auto key = key_from(k);
      if (!key) return invalid_lookup_attributes(fmt::format("Lookup attribute key {} is not valid.", k));
      q.key = *key;
      q.value = param_str(a, "AttributeValue");
      if (q.key == LookupKey::ReadOnly && q.value != "true" && q.value != "false")
        return invalid_lookup_attributes("ReadOnly lookup attribute value must be true or false.");
    }
  }

  q.start_time = time_param(p, "StartTime");
  q.end_time = time_param(p, "EndTime");
  if (q.start_time && q.end_time && *q.start_time > *q.end_time)
    return AwsError("InvalidTimeRangeException", "Start time must be before end time.", 400);

  if (auto n = param_int(p, "MaxResults")) {
    if (*n < 1 || *n > 50)
      return AwsError("InvalidMaxResultsException",
                      fmt::format("A max results value of {} is invalid. Specify max results between 1 and 50.", *n),
                      400);
    q.limit = static_cast<int>(*n);
  }

  if (auto token = param(p, "NextToken"); token && token->is_string()) {
    auto after = decode_next_token(q, token->get_string());
    if (!after) return AwsError("InvalidNextTokenException", "Invalid NextToken.", 400);
    q.after = after;
  }

  json::object out;
  json::array events;
  // Insights events are not recorded here: asking for them finds none.
  if (param_str(p, "EventCategory") == "insight") {
    out["Events"] = std::move(events);
    return json::value(std::move(out));
  }

  auto rows = events_.lookup(q);
  const bool more = rows.size() > static_cast<size_t>(q.limit);
  if (more) rows.resize(static_cast<size_t>(q.limit));
  for (const auto& e : rows) {
    json::object ev;
    ev["EventId"] = e.event_id;
    ev["EventName"] = e.event_name;
    ev["ReadOnly"] = e.read_only ? "true" : "false";
    if (!e.access_key_id.empty()) ev["AccessKeyId"] = e.access_key_id;
    ev["EventTime"] = e.event_time;
    ev["EventSource"] = e.event_source;
    if (!e.username.empty()) ev["Username"] = e.username;
    json::array res;
    for (const auto& [type, name] : e.resources) res.push_back(json::object{{"ResourceType", type}, {"ResourceName", name}});
    ev["Resources"] = std::move(res);
    ev["CloudTrailEvent"] = e.record;
    events.push_back(std::move(ev));
  }
  out["Events"] = std::move(events);
  if (more && !rows.empty()) out["NextToken"] = encode_next_token(q, rows.back().event_time, rows.back().seq);
  return json::value(std::move(out));
}

}  // namespace orgroot::services::cloudtrail
