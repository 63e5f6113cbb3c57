// S3 multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload. Parts are kept like object bodies (files or rows) until the upload is
// completed (concatenated into the object) or aborted.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "auth/crypto.h"
#include "common/ids.h"
#include "services/s3/s3_service.h"

namespace orgroot::services::s3 {

namespace json = boost::json;

namespace {

constexpr int64_t kMinPartSize = 5 * 1024 * 1024;
constexpr std::string_view kStoredHeaders[] = {"CacheControl", "ContentDisposition", "ContentEncoding",
                                               "ContentLanguage", "Expires", "WebsiteRedirectLocation"};

AwsError no_such_upload(const std::string& id) {
  return AwsError("NoSuchUpload",
                  "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                  "aborted or completed.",
                  404)
      .with("UploadId", id);
}

std::string new_upload_id(Random& r) {
  std::string a = ids::uuid4(r) + ids::uuid4(r);
  a.erase(std::remove(a.begin(), a.end(), '-'), a.end());
  return a;
}

struct Upload {
  std::string bucket, key, content_type, metadata_json, headers_json;
};

std::optional<Upload> find_upload(store::Database& d, const std::string& id, const std::string& bucket,
                                  const std::string& key) {
  auto st = d.prepare(
      "SELECT bucket, key, content_type, metadata_json, headers_json FROM s3_uploads WHERE upload_id=?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  Upload u{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4)};
  if (u.bucket != bucket || u.key != key) return std::nullopt;
  return u;
}

}  // namespace

void S3Service::register_multipart_handlers() {
  on("CreateMultipartUpload", [this](CallContext&, const Params& p) -> OperationResult {
    const std::string key = param_str(p, "Key");
    json::object headers;
    for (auto h : kStoredHeaders)
      if (auto v = param(p, h); v && v->is_string()) headers[h] = *v;
    json::object meta;
    if (auto v = param(p, "Metadata"); v && v->is_object()) meta = v->get_object();
    return deps_.db.transaction([&](Db& d) -> OperationResult {
      auto b = existing_bucket(d, p);
      if (!b) return std::move(b).error();
      const std::string id = new_upload_id(deps_.random);
      auto st = d.prepare(
          "INSERT INTO s3_uploads(upload_id, bucket, key, initiated, content_type, metadata_json, headers_json) "
          "VALUES(?,?,?,?,?,?,?)");
      st.bind(1, id).bind(2, b->name).bind(3, key).bind(4, deps_.clock.now_seconds());
      st.bind(5, param_str(p, "ContentType", "binary/octet-stream")).bind(6, json::serialize(meta));
      st.bind(7, json::serialize(headers));
      st.run();
      return done({{"Bucket", b->name}, {"Key", key}, {"UploadId", id}, {"ServerSideEncryption", "AES256"}});
    });
  });

  on("UploadPart", [this](CallContext&, const Params& p) -> OperationResult {
    const std::string key = param_str(p, "Key"), id = param_str(p, "UploadId");
    const int64_t number = param_int(p, "PartNumber").value_or(0);
    if (number < 1 || number > 10000)
      return AwsError::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive")
          .with("ArgumentName", "partNumber")
          .with("ArgumentValue", std::to_string(number));
    std::string body;
    if (auto v = param(p, "Body"); v && v->is_string()) body = std::string(v->get_string());
    const auto digest = crypto::md5(body);
    if (auto md5 = param(p, "ContentMD5"); md5 && md5->is_string()) {
      auto given = crypto::base64_decode(md5->get_string());
      if (!given || given->size() != 16 || std::memcmp(given->data(), digest.data(), 16) != 0)
        return AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400);
    }
    {
      auto known = deps_.db.run([&](Db& d) -> Status {
        auto b = existing_bucket(d, p);
        if (!b) return std::move(b).error();
        if (!find_upload(d, id, b->name, key)) return no_such_upload(id);
        return OkStatus();
      });
      if (!known) return std::move(known).error();
    }
    auto file = store_body(body);
    if (!file) return std::move(file).error();
    const std::string etag = "\"" + crypto::hex_encode(digest) + "\"";
    std::string old_file;
    auto r = deps_.db.transaction([&](Db& d) -> OperationResult {
      if (!find_upload(d, id, param_str(p, "Bucket"), key)) return no_such_upload(id);
      auto old = d.prepare("SELECT body_file FROM s3_parts WHERE upload_id=? AND part_number=?");
      old.bind(1, id).bind(2, number);
      if (old.step()) old_file = old.text(0);
      auto st = d.prepare(
          "INSERT OR REPLACE INTO s3_parts(upload_id, part_number, etag, size, body_file, body) VALUES(?,?,?,?,?,?)");
      st.bind(1, id).bind(2, number).bind(3, etag).bind(4, static_cast<int64_t>(body.size())).bind(5, *file);
      if (file->empty()) st.bind(6, std::string_view(body));
      else st.bind_null(6);
      st.run();
      json::object out{{"ETag", etag}, {"ServerSideEncryption", "AES256"}};
      for (auto c : {"ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256"})
        if (auto v = param(p, c); v && v->is_string()) out[c] = *v;
      return done(std::move(out));
    });
    if (!r) {
      remove_body_file(*file);
      return r;
    }
    remove_body_file(old_file);
    return r;
  });

  on("CompleteMultipartUpload", [this](CallContext&, const Params& p) -> OperationResult {
    const std::string key = param_str(p, "Key"), id = param_str(p, "UploadId");
    std::vector<std::pair<int64_t, std::string>> wanted;  // part number, ETag
    if (auto mu = param(p, "MultipartUpload"); mu && mu->is_object())
      if (auto parts = mu->get_object().if_contains("Parts"); parts && parts->is_array())
        for (const auto& part : parts->get_array())
          if (part.is_object())
            wanted.emplace_back(param_int(part.get_object(), "PartNumber").value_or(0),
                                param_str(part.get_object(), "ETag"));
    std::vector<std::string> files_to_remove;
    std::string new_file;
    auto r = deps_.db.transaction([&](Db& d) -> OperationResult {
      auto b = existing_bucket(d, p);
      if (!b) return std::move(b).error();
      auto up = find_upload(d, id, b->name, key);
      if (!up) return no_such_upload(id);
      if (wanted.empty()) return AwsError::InvalidRequest("You must specify at least one part");
      for (size_t i = 1; i < wanted.size(); ++i)
        if (wanted[i].first <= wanted[i - 1].first)
          return AwsError("InvalidPartOrder",
                          "The list of parts was not in ascending order. The parts list must be specified in order by "
                          "part number.",
                          400);
      std::string body, digests;
      for (size_t i = 0; i < wanted.size(); ++i) {
        auto st = d.prepare("SELECT etag, size, body_file, body FROM s3_parts WHERE upload_id=? AND part_number=?");
        st.bind(1, id).bind(2, wanted[i].first);
        auto unquote = [](std::string s) {
          if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
          return s;
        };
        if (!st.step() || unquote(st.text(0)) != unquote(wanted[i].second))
          return AwsError("InvalidPart",
                          "One or more of the specified parts could not be found.  The part may not have been "
                          "uploaded, or the specified entity tag may not match the part's entity tag.",
                          400)
              .with("UploadId", id)
              .with("PartNumber", std::to_string(wanted[i].first))
              .with("ETag", wanted[i].second);
        if (i + 1 < wanted.size() && st.i64(1) < kMinPartSize)
          return AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.",
                          400)
              .with("ProposedSize", std::to_string(st.i64(1)))
              .with("MinSizeAllowed", std::to_string(kMinPartSize));
        ObjectRow part;
        part.bucket = b->name;
        part.size = st.i64(1);
        part.body_file = st.text(2);
        std::optional<std::string> data;
        if (part.body_file.empty()) data = st.text(3);
        else data = load_body(d, part);
        if (!data) return AwsError("InternalError", "We encountered an internal error. Please try again.", 500, false);
        body += *data;
        auto hex = crypto::hex_decode(unquote(wanted[i].second));
        if (hex) digests += *hex;
      }
      auto file = store_body(body);
      if (!file) return std::move(file).error();
      new_file = *file;
      const std::string etag = fmt::format("\"{}-{}\"", crypto::md5_hex(digests), wanted.size());
      std::string old_object_file;
      if (auto old = object(d, b->name, key)) old_object_file = old->body_file;
      auto st = d.prepare(
          "INSERT OR REPLACE INTO s3_objects(bucket, key, size, etag, content_type, last_modified, metadata_json, "
          "headers_json, body_file, body) VALUES(?,?,?,?,?,?,?,?,?,?)");
      st.bind(1, b->name).bind(2, key).bind(3, static_cast<int64_t>(body.size())).bind(4, etag);
      st.bind(5, up->content_type).bind(6, static_cast<double>(static_cast<int64_t>(deps_.clock.now_seconds())));
      st.bind(7, up->metadata_json).bind(8, up->headers_json).bind(9, *file);
      if (file->empty()) st.bind(10, std::string_view(body));
      else st.bind_null(10);
      st.run();
      auto parts = d.prepare("SELECT body_file FROM s3_parts WHERE upload_id=?");
      parts.bind(1, id);
      while (parts.step()) files_to_remove.push_back(parts.text(0));
      files_to_remove.push_back(old_object_file);
      for (const char* sql : {"DELETE FROM s3_parts WHERE upload_id=?", "DELETE FROM s3_uploads WHERE upload_id=?"}) {
        auto del = d.prepare(sql);
        del.bind(1, id);
        del.run();
      }
      return done({{"Location", "/" + b->name + "/" + key},
                   {"Bucket", b->name},
                   {"Key", key},
                   {"ETag", etag},
                   {"ServerSideEncryption", "AES256"}});
    });
    if (!r) {
      remove_body_file(new_file);
      return r;
    }
    for (const auto& f : files_to_remove) remove_body_file(f);
    return r;
  });

  on("AbortMultipartUpload", [this](CallContext&, const Params& p) -> OperationResult {
    const std::string key = param_str(p, "Key"), id = param_str(p, "UploadId");
    std::vector<std::string> files;
    auto r = deps_.db.transaction([&](Db& d) -> OperationResult {
      auto b = existing_bucket(d, p);
      if (!b) return std::move(b).error();
      if (!find_upload(d, id, b->name, key)) return no_such_upload(id);
      auto parts = d.prepare("SELECT body_file FROM s3_parts WHERE upload_id=?");
      parts.bind(1, id);
      while (parts.step()) files.push_back(parts.text(0));
      for (const char* sql : {"DELETE FROM s3_parts WHERE upload_id=?", "DELETE FROM s3_uploads WHERE upload_id=?"}) {
        auto del = d.prepare(sql);
        del.bind(1, id);
        del.run();
      }
      return done();
    });
    if (r)
      for (const auto& f : files) remove_body_file(f);
    return r;
  });
}

}  // namespace orgroot::services::s3
