// Routing a REST request to its operation: URI templates, S3 virtual-host addressing, and the
// "most specific template wins" rule.
#include <tuple>
#include <unordered_map>

#include "protocol/rest_xml.h"
#include "protocol/rest_xml_detail.h"

namespace orgroot::protocol {

namespace rest_xml_detail {

namespace {

UriTemplate parse_template(std::string_view uri) {
  UriTemplate t;
  size_t q = uri.find('?');
  std::string_view path = uri.substr(0, q);
  if (q != std::string_view::npos) {
    for (const auto& p : parse_query(uri.substr(q + 1))) {
      if (p.has_value) t.query.emplace_back(p.key, p.value);
      else t.query.emplace_back(p.key, std::nullopt);
    }
  }
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '{') {
      size_t close = path.find('}', i);
      if (close == std::string_view::npos) close = path.size();
      UriTemplate::Part part;
      part.label = true;
      part.text = std::string(path.substr(i + 1, close - i - 1));
      if (!part.text.empty() && part.text.back() == '+') {
        part.greedy = true;
        part.text.pop_back();
      }
      t.path.push_back(std::move(part));
      i = close + 1;
    } else {
      size_t next = path.find('{', i);
      if (next == std::string_view::npos) next = path.size();
      UriTemplate::Part part;
      part.text = std::string(path.substr(i, next - i));
      t.literal_chars += part.text.size();
      t.path.push_back(std::move(part));
      i = next;
    }
  }
  return t;
}

bool match_parts(const std::vector<UriTemplate::Part>& parts, size_t i, std::string_view path,
                 std::vector<std::pair<std::string, std::string>>& labels) {
  if (i == parts.size()) return path.empty();
  const auto& part = parts[i];
  if (!part.label) {
    if (path.substr(0, part.text.size()) != part.text) return false;
    return match_parts(parts, i + 1, path.substr(part.text.size()), labels);
  }
  size_t max_len = part.greedy ? path.size() : std::min(path.find('/'), path.size());
  for (size_t len = max_len; len >= 1; --len) {
    if (match_parts(parts, i + 1, path.substr(len), labels)) {
      labels.emplace_back(part.text, percent_decode(path.substr(0, len), false));
      return true;
    }
  }
  return false;
}

// "host[:port]" or "[v6]:port" -> lower-case host.
std::string host_without_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    return to_lower(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
  }
  return to_lower(host.substr(0, host.find(':')));
}

std::vector<std::string_view> split_labels(std::string_view host) {
  std::vector<std::string_view> out;
  while (true) {
    size_t dot = host.find('.');
    out.push_back(host.substr(0, dot));
    if (dot == std::string_view::npos) break;
    host = host.substr(dot + 1);
  }
  return out;
}

// The bucket of a virtual-host-style Host, or "" when the host is not "<bucket>.<suffix>".
std::string virtual_host_bucket(std::string_view host, const std::vector<std::string>& suffixes) {
  auto host_labels = split_labels(host);
  for (const auto& suffix : suffixes) {
    std::string lowered = to_lower(suffix);
    auto suffix_labels = split_labels(lowered);
    if (host_labels.size() <= suffix_labels.size()) continue;
    size_t offset = host_labels.size() - suffix_labels.size();
    bool ok = true;
    for (size_t i = 0; i < suffix_labels.size() && ok; ++i)
      ok = suffix_labels[i] == "*" ? !host_labels[offset + i].empty() : suffix_labels[i] == host_labels[offset + i];
    if (!ok) continue;
    size_t bucket_len = 0;
    for (size_t i = 0; i < offset; ++i) bucket_len += host_labels[i].size() + (i ? 1 : 0);
    return std::string(host.substr(0, bucket_len));
  }
  return {};
}

bool has_query_key(const std::vector<QueryParam>& query, std::string_view key) {
  for (const auto& p : query)
    if (p.key == key) return true;
  return false;
}

bool query_literals_match(const UriTemplate& t, const std::vector<QueryParam>& query) {
  for (const auto& [key, value] : t.query) {
    bool found = false;
    for (const auto& p : query)
      if (p.key == key && (!value || p.value == *value)) found = true;
    if (!found) return false;
  }
  return true;
}

// (required header/querystring members present, how many are) for an operation's input.
std::pair<bool, int> required_presence(const Operation& op, const HttpRequest& req, const std::vector<QueryParam>& query) {
  bool all = true;
  int present = 0;
  if (!op.input) return {true, 0};
  for (const auto& m : op.input->members) {
    if (!m.required) continue;
    bool here;
    if (m.location == "header") here = req.header(m.wire_name()) != nullptr;
    else if (m.location == "querystring") here = has_query_key(query, m.wire_name());
    else continue;
    all = all && here;
    present += here ? 1 : 0;
  }
  return {all, present};
}

}  // namespace

const UriTemplate& uri_template(const std::string& request_uri) {
  // Per thread, so routing takes no lock. Keyed by the string's address (a model's operations
  // never move) and checked against its text, so a reused address is simply parsed again.
  struct Entry {
    std::string text;
    UriTemplate parsed;
  };
  thread_local std::unordered_map<const std::string*, Entry> cache;
  Entry& e = cache[&request_uri];
  if (e.text != request_uri) {  // new entry (text ""), or an address reused by another model
    e.text = request_uri;
    e.parsed = parse_template(request_uri);
  }
  return e.parsed;
}

bool match_path(const UriTemplate& t, std::string_view raw_path, std::vector<std::pair<std::string, std::string>>& labels) {
  std::vector<std::pair<std::string, std::string>> found;
  if (!match_parts(t.path, 0, raw_path, found)) return false;
  labels.assign(found.rbegin(), found.rend());
  return true;
}

}  // namespace rest_xml_detail

using namespace rest_xml_detail;

Result<RestMatch> match_rest_operation(const ServiceModel& model, const HttpRequest& req,
                                       const std::vector<std::string>& virtual_host_suffixes) {
  std::string path(req.path());
  if (path.empty()) path = "/";
  RestMatch result;
  std::string bucket;
  if (!virtual_host_suffixes.empty()) {
    if (const std::string* host = req.header("Host"))
      bucket = virtual_host_bucket(host_without_port(*host), virtual_host_suffixes);
  }
  if (!bucket.empty()) {
    result.virtual_host = true;
    path = "/" + bucket + (path == "/" ? std::string() : path);
  }
  auto query = parse_query(req.query());

  // Most specific first; ties broken by operation name so routing never depends on hash order.
  using Score = std::tuple<size_t, size_t, bool, int, bool>;
  const Operation* best = nullptr;
  Score best_score{};
  std::vector<std::pair<std::string, std::string>> best_labels;
  auto try_path = [&](std::string_view p) {
    for (const auto& [name, op] : model.operations) {
      if (op.http_method != req.method) continue;
      const UriTemplate& t = uri_template(op.request_uri);
      std::vector<std::pair<std::string, std::string>> labels;
      if (!query_literals_match(t, query) || !match_path(t, p, labels)) continue;
      auto [all_required, required_count] = required_presence(op, req, query);
      Score score{t.literal_chars, t.query.size(), all_required, required_count, !op.deprecated};
      if (!best || score > best_score || (score == best_score && op.name < best->name)) {
        best = &op;
        best_score = score;
        best_labels = std::move(labels);
      }
    }
  };
  try_path(path);
  // "/bucket/" addresses the bucket (an object key is never empty).
  if (!best && path.size() > 1 && path.back() == '/') try_path(std::string_view(path).substr(0, path.size() - 1));

  if (!best) {
    bool path_matched_other_method = false;
    for (const auto& [name, op] : model.operations) {
      std::vector<std::pair<std::string, std::string>> labels;
      const UriTemplate& t = uri_template(op.request_uri);
      if (query_literals_match(t, query) && match_path(t, path, labels)) path_matched_other_method = true;
    }
    if (path_matched_other_method) {
      std::string resource_type;
      if (!virtual_host_suffixes.empty()) {  // S3 addressing: say what the path names
        size_t slash = path.find('/', 1);
        resource_type = path == "/" ? "SERVICE" : (slash == std::string::npos || slash + 1 == path.size()) ? "BUCKET" : "OBJECT";
      }
      return AwsError::MethodNotAllowed(req.method, std::move(resource_type));
    }
    return AwsError::UnknownOperation("No operation matches " + req.method + " " + std::string(req.path()));
  }
  result.op = best;
  result.labels = std::move(best_labels);
  for (const auto& [name, value] : result.labels) {
    if (name == "Bucket") result.bucket = value;
    if (name == "Key") result.key = value;
  }
  return result;
}

}  // namespace orgroot::protocol
