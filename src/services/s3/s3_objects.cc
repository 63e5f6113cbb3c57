// S3 objects: PutObject, GetObject (with Range), HeadObject, DeleteObject, ListObjectsV2, and the
// durable body files.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "auth/crypto.h"
#include "common/ids.h"
#include "services/s3/s3_service.h"

namespace orgroot::services::s3 {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// Header members of PutObject kept with the object and given back by GetObject / HeadObject.
constexpr std::string_view kStoredHeaders[] = {"CacheControl", "ContentDisposition", "ContentEncoding",
                                               "ContentLanguage", "Expires", "WebsiteRedirectLocation"};
constexpr std::string_view kChecksums[] = {"ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1",
                                           "ChecksumSHA256"};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

struct ByteRange {
  int64_t first = 0, last = 0;  // inclusive
};

// "bytes=a-b", "bytes=a-", "bytes=-n". nullopt: no usable range (the whole object is sent, as
// S3 does for a syntactically invalid Range); error: not satisfiable.
Result<std::optional<ByteRange>> parse_range(std::string_view spec, int64_t size) {
  constexpr std::string_view kPrefix = "bytes=";
  if (spec.substr(0, kPrefix.size()) != kPrefix) return std::optional<ByteRange>();
  spec.remove_prefix(kPrefix.size());
  if (spec.find(',') != std::string_view::npos) return std::optional<ByteRange>();
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<ByteRange>();
  auto num = [](std::string_view s) -> std::optional<int64_t> {
    if (s.empty() || s.size() > 18) return std::nullopt;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  auto a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto unsatisfiable = [&] {
    return AwsError("InvalidRange", "The requested range is not satisfiable", 416)
        .with("RangeRequested", "bytes=" + std::string(spec))
        .with("ActualObjectSize", std::to_string(size));
  };
  if (a.empty()) {  // suffix
    auto n = num(b);
    if (!n) return std::optional<ByteRange>();
    if (*n == 0 || size == 0) return unsatisfiable();
    int64_t len = std::min(*n, size);
    return std::optional<ByteRange>(ByteRange{size - len, size - 1});
  }
  auto first = num(a);
  if (!first) return std::optional<ByteRange>();
  int64_t last = size - 1;
  if (!b.empty()) {
    auto l = num(b);
    if (!l || *l < *first) return std::optional<ByteRange>();
    last = std::min(*l, size - 1);
  }
  if (*first >= size) return unsatisfiable();
  return std::optional<ByteRange>(ByteRange{*first, last});
}

ObjectRow read_object(const store::Statement& st) {
  ObjectRow o;
  o.bucket = st.text(0);
  o.key = st.text(1);
  o.size = st.i64(2);
  o.etag = st.text(3);
  o.content_type = st.text(4);
  o.last_modified = st.f64(5);
  o.metadata_json = st.text(6);
  o.headers_json = st.text(7);
  o.body_file = st.text(8);
  return o;
}
constexpr const char* kObjectCols =
    "bucket, key, size, etag, content_type, last_modified, metadata_json, headers_json, body_file";

}  // namespace

std::optional<ObjectRow> S3Service::object(Db& d, const std::string& bucket, const std::string& key) const {
  auto st = d.prepare(fmt::format("SELECT {} FROM s3_objects WHERE bucket=? AND key=?", kObjectCols));
  st.bind(1, bucket).bind(2, key);
  if (!st.step()) return std::nullopt;
  return read_object(st);
}

// ---------------------------------------------------------------------------------------------
// bodies

Result<std::string> S3Service::store_body(std::string_view data) {
  if (objects_dir_.empty()) return std::string();
  std::string name = ids::uuid4(deps_.random);
  std::string tmp = objects_dir_ + "/." + name + ".tmp";
  std::string final_path = objects_dir_ + "/" + name;
  int fd = ::open(tmp.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return AwsError("InternalError", "We encountered an internal error. Please try again.", 500, false);
  bool ok = write_all(fd, data) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), final_path.c_str()) != 0 || !fsync_dir(objects_dir_)) {
    ::unlink(tmp.c_str());
    return AwsError("InternalError", "We encountered an internal error. Please try again.", 500, false);
  }
  return name;
}

std::optional<std::string> S3Service::load_body(Db& d, const ObjectRow& o) const {
  if (o.body_file.empty()) {
    auto st = d.prepare("SELECT body FROM s3_objects WHERE bucket=? AND key=?");
    st.bind(1, o.bucket).bind(2, o.key);
    if (!st.step()) return std::nullopt;
    return st.text(0);
  }
  std::ifstream in(objects_dir_ + "/" + o.body_file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data;
  data.resize(static_cast<size_t>(o.size));
  in.read(data.data(), o.size);
  if (in.gcount() != o.size) return std::nullopt;
  return data;
}

void S3Service::remove_body_file(const std::string& file) const {
  if (file.empty() || objects_dir_.empty()) return;
  std::error_code ec;
  fs::remove(fs::path(objects_dir_) / file, ec);
}

void S3Service::remove_all_body_files() const {
  if (objects_dir_.empty()) return;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(objects_dir_, ec)) fs::remove(e.path(), ec);
}

// ---------------------------------------------------------------------------------------------
// handlers

void S3Service::register_object_handlers() {
  on("PutObject", [this](CallContext& c, const Params& p) { return put_object(c, p); });
  on("GetObject", [this](CallContext& c, const Params& p) { return get_object(c, p, false); });
  on("HeadObject", [this](CallContext& c, const Params& p) { return get_object(c, p, true); });
  on("DeleteObject", [this](CallContext& c, const Params& p) { return delete_object(c, p); });
  on("ListObjectsV2", [this](CallContext& c, const Params& p) { return list_objects_v2(c, p); });
}

OperationResult S3Service::put_object(CallContext&, const Params& p) {
  const std::string key = param_str(p, "Key");
  std::string body;
  if (auto v = param(p, "Body"); v && v->is_string()) body = std::string(v->get_string());
  if (key.empty() || key.size() > 1024)
    return AwsError("KeyTooLongError", "Your key is too long", 400);
  const auto digest = crypto::md5(body);
  if (auto md5 = param(p, "ContentMD5"); md5 && md5->is_string()) {
    auto given = crypto::base64_decode(md5->get_string());
    if (!given || given->size() != 16)
      return AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
          .with("Content-MD5", std::string(md5->get_string()));
    if (std::memcmp(given->data(), digest.data(), 16) != 0)
      return AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400)
          .with("ExpectedDigest", std::string(md5->get_string()))
          .with("CalculatedDigest", crypto::base64_encode(digest));
  }
  // The bucket must exist before the body is written.
  {
    auto b = deps_.db.run([&](Db& d) { return existing_bucket(d, p); });
    if (!b) return std::move(b).error();
  }
  const std::string etag = "\"" + crypto::hex_encode(digest) + "\"";
  json::object headers;
  for (auto h : kStoredHeaders)
    if (auto v = param(p, h); v && v->is_string()) headers[h] = *v;
  json::object meta;
  if (auto v = param(p, "Metadata"); v && v->is_object()) meta = v->get_object();
  std::string content_type = param_str(p, "ContentType", "binary/octet-stream");

  auto file = store_body(body);
  if (!file) return std::move(file).error();
  std::string old_file;
  auto r = deps_.db.transaction([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    if (auto old = object(d, b->name, key)) old_file = old->body_file;
    auto st = d.prepare(
        "INSERT OR REPLACE INTO s3_objects(bucket, key, size, etag, content_type, last_modified, metadata_json, "
        "headers_json, body_file, body) VALUES(?,?,?,?,?,?,?,?,?,?)");
    st.bind(1, b->name).bind(2, key).bind(3, static_cast<int64_t>(body.size())).bind(4, etag).bind(5, content_type);
    // S3 keeps Last-Modified to the second.
    st.bind(6, static_cast<double>(static_cast<int64_t>(deps_.clock.now_seconds())));
    st.bind(7, json::serialize(meta)).bind(8, json::serialize(headers)).bind(9, *file);
    if (file->empty()) st.bind(10, std::string_view(body));
    else st.bind_null(10);
    st.run();
    json::object out{{"ETag", etag}, {"ServerSideEncryption", "AES256"}, {"Size", static_cast<int64_t>(body.size())}};
    for (auto c : kChecksums)
      if (auto v = param(p, c); v && v->is_string()) out[c] = *v;
    return done(std::move(out));
  });
  if (!r) {
    remove_body_file(*file);
    return r;
  }
  remove_body_file(old_file);
  return r;
}

OperationResult S3Service::get_object(CallContext&, const Params& p, bool head) {
  const std::string key = param_str(p, "Key");
  return deps_.db.run([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    auto o = object(d, b->name, key);
    if (!o) return AwsError::NoSuchKey(key);
    json::object out{{"ETag", o->etag},
                     {"LastModified", o->last_modified},
                     {"ContentType", o->content_type},
                     {"AcceptRanges", "bytes"},
                     {"ServerSideEncryption", "AES256"}};
    if (auto if_match = param(p, "IfMatch"); if_match && if_match->is_string() &&
                                             if_match->get_string() != o->etag && if_match->get_string() != "*")
      return AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412)
          .with("Condition", "If-Match");
    boost::system::error_code ec;
    auto meta = json::parse(o->metadata_json, ec);
    if (!ec && meta.is_object() && !meta.get_object().empty()) out["Metadata"] = meta;
    auto hdrs = json::parse(o->headers_json, ec);
    if (!ec && hdrs.is_object())
      for (const auto& kv : hdrs.get_object()) out[kv.key()] = kv.value();
    int64_t first = 0, last = o->size - 1;
    if (auto range = param(p, "Range"); range && range->is_string()) {
      auto r = parse_range(range->get_string(), o->size);
      if (!r) return std::move(r).error();
      if (*r) {
        first = (*r)->first;
        last = (*r)->last;
        out["ContentRange"] = fmt::format("bytes {}-{}/{}", first, last, o->size);
      }
    }
    out["ContentLength"] = last - first + 1 < 0 ? 0 : last - first + 1;
    if (head) return done(std::move(out));
    auto body = load_body(d, *o);
    if (!body) return AwsError("InternalError", "We encountered an internal error. Please try again.", 500, false);
    if (o->size > 0) out["Body"] = body->substr(static_cast<size_t>(first), static_cast<size_t>(last - first + 1));
    else out["Body"] = "";
    for (auto [q, h] : {std::pair{"ResponseContentType", "ContentType"},
                        std::pair{"ResponseContentDisposition", "ContentDisposition"},
                        std::pair{"ResponseCacheControl", "CacheControl"},
                        std::pair{"ResponseContentEncoding", "ContentEncoding"},
                        std::pair{"ResponseContentLanguage", "ContentLanguage"}})
      if (auto v = param(p, q); v && v->is_string()) out[h] = *v;
    return done(std::move(out));
  });
}

OperationResult S3Service::delete_object(CallContext&, const Params& p) {
  const std::string key = param_str(p, "Key");
  std::string old_file;
  auto r = deps_.db.transaction([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    if (auto o = object(d, b->name, key)) {
      old_file = o->body_file;
      auto st = d.prepare("DELETE FROM s3_objects WHERE bucket=? AND key=?");
      st.bind(1, b->name).bind(2, key);
      st.run();
    }
    return done(json::object{});
  });
  if (r) remove_body_file(old_file);
  return r;
}

OperationResult S3Service::list_objects_v2(CallContext& ctx, const Params& p) {
  const std::string prefix = param_str(p, "Prefix");
  const std::string delimiter = param_str(p, "Delimiter");
  const std::string start_after = param_str(p, "StartAfter");
  const std::string token = param_str(p, "ContinuationToken");
  const std::string encoding = param_str(p, "EncodingType");
  if (!encoding.empty() && encoding != "url")
    return AwsError::InvalidArgument("Invalid Encoding Method specified in Request")
        .with("ArgumentName", "encoding-type")
        .with("ArgumentValue", encoding);
  int64_t max_keys = 1000;
  if (auto n = param_int(p, "MaxKeys")) {
    if (*n < 0)
      return AwsError::InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647")
          .with("ArgumentName", "maxKeys")
          .with("ArgumentValue", std::to_string(*n));
    max_keys = std::min<int64_t>(*n, 1000);
  }
  std::string marker = start_after;
  if (param(p, "ContinuationToken")) {
    auto decoded = crypto::base64_decode(token);
    if (token.empty() || !decoded || decoded->rfind("v1:", 0) != 0)
      return AwsError::InvalidArgument("The continuation token provided is incorrect")
          .with("ArgumentName", "continuation-token");
    marker = decoded->substr(3);
  }
  const bool url = encoding == "url";
  auto enc = [&](const std::string& s) { return url ? s3_url_encode(s) : s; };
  const bool fetch_owner = param(p, "FetchOwner") && param(p, "FetchOwner")->is_bool() &&
                           param(p, "FetchOwner")->get_bool();
  (void)ctx;

  return deps_.db.run([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    auto st = d.prepare("SELECT key, size, etag, last_modified FROM s3_objects WHERE bucket=? AND key>? ORDER BY key");
    st.bind(1, b->name).bind(2, marker);
    json::array contents, prefixes;
    std::string last_cp, last_item;
    int64_t count = 0;
    bool truncated = false;
    while (st.step()) {
      std::string key = st.text(0);
      if (key.compare(0, prefix.size(), prefix) != 0) {
        if (key > prefix) break;  // past every key with the prefix
        continue;
      }
      std::string cp;
      if (!delimiter.empty()) {
        auto pos = key.find(delimiter, prefix.size());
        if (pos != std::string::npos) cp = key.substr(0, pos + delimiter.size());
      }
      if (!cp.empty() && (cp == last_cp || cp == marker)) continue;
      if (count >= max_keys) {
        truncated = true;
        break;
      }
      if (!cp.empty()) {
        prefixes.push_back(json::object{{"Prefix", enc(cp)}});
        last_cp = cp;
        last_item = cp;
      } else {
        json::object o{{"Key", enc(key)},
                       {"LastModified", st.f64(3)},
                       {"ETag", st.text(2)},
                       {"Size", st.i64(1)},
                       {"StorageClass", "STANDARD"}};
        if (fetch_owner)
          o["Owner"] = json::object{{"DisplayName", b->owner}, {"ID", canonical_user_id(b->owner)}};
        contents.push_back(std::move(o));
        last_item = key;
      }
      ++count;
    }
    json::object out{{"Name", b->name},
                     {"Prefix", enc(prefix)},
                     {"MaxKeys", max_keys},
                     {"KeyCount", count},
                     {"IsTruncated", truncated}};
    if (!contents.empty()) out["Contents"] = std::move(contents);
    if (!prefixes.empty()) out["CommonPrefixes"] = std::move(prefixes);
    if (!delimiter.empty()) out["Delimiter"] = enc(delimiter);
    if (url) out["EncodingType"] = "url";
    if (param(p, "ContinuationToken")) out["ContinuationToken"] = token;
    if (param(p, "StartAfter")) out["StartAfter"] = enc(start_after);
    if (truncated) out["NextContinuationToken"] = crypto::base64_encode("v1:" + last_item);
    return done(std::move(out));
  });
}

}  // namespace orgroot::services::s3
