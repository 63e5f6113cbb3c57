#include "services/s3/s3_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "auth/crypto.h"
#include "policy/policy_document.h"

namespace orgroot::services::s3 {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string_view>& migrations() {
  static const std::vector<std::string_view> m = {
      R"sql(
CREATE TABLE s3_buckets(
  name       TEXT PRIMARY KEY,
  owner      TEXT NOT NULL,
  region     TEXT NOT NULL,
  created_at REAL NOT NULL,
  policy     TEXT
);
CREATE INDEX s3_buckets_by_owner ON s3_buckets(owner, name);
CREATE TABLE s3_objects(
  bucket        TEXT NOT NULL,
  key           TEXT NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  last_modified REAL NOT NULL,
  metadata_json TEXT NOT NULL,
  headers_json  TEXT NOT NULL,
  body_file     TEXT NOT NULL,
  body          TEXT,
  PRIMARY KEY(bucket, key)
);
)sql",
      R"sql(
CREATE TABLE s3_uploads(
  upload_id     TEXT PRIMARY KEY,
  bucket        TEXT NOT NULL,
  key           TEXT NOT NULL,
  initiated     REAL NOT NULL,
  content_type  TEXT NOT NULL,
  metadata_json TEXT NOT NULL,
  headers_json  TEXT NOT NULL
);
CREATE TABLE s3_parts(
  upload_id   TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  etag        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  body_file   TEXT NOT NULL,
  body        TEXT,
  PRIMARY KEY(upload_id, part_number)
);
)sql",
  };
  return m;
}

bool is_ipv4_like(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('.', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view part = s.substr(i, j - i);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part)
      if (c < '0' || c > '9') return false;
    ++parts;
    i = j + 1;
  }
  return parts == 4;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

AwsError invalid_bucket_name(const std::string& name) {
  return AwsError("InvalidBucketName", "The specified bucket is not valid.", 400).with("BucketName", name);
}

// The account that a call acts as (the anonymous caller has none).
std::string caller_account(const CallContext& ctx) { return ctx.principal.account_id; }

}  // namespace

bool valid_bucket_name(std::string_view n) {
  if (n.size() < 3 || n.size() > 63) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(n.front()) || !alnum(n.back())) return false;
  if (n.find("..") != std::string_view::npos || n.find(".-") != std::string_view::npos ||
      n.find("-.") != std::string_view::npos)
    return false;
  if (is_ipv4_like(n)) return false;
  for (auto p : {"xn--", "sthree-", "amzn-s3-demo-"})
    if (starts_with(n, p)) return false;
  for (auto s : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"})
    if (ends_with(n, s)) return false;
  return true;
}

std::string canonical_user_id(std::string_view account_id) {
  return crypto::sha256_hex(fmt::format("orgroot-s3-canonical-user:{}", account_id));
}

std::string s3_url_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

S3Service::S3Service(ServiceDeps& deps) : deps_(deps) {
  deps_.db.migrate("s3", migrations());
  if (!deps_.data_dir.empty()) {
    objects_dir_ = (fs::path(deps_.data_dir) / "s3" / "objects").string();
    std::error_code ec;
    fs::create_directories(objects_dir_, ec);
    if (ec) throw std::runtime_error("cannot create " + objects_dir_ + ": " + ec.message());
  }
  deps_.db.on_reset([this] { remove_all_body_files(); });
  register_bucket_handlers();
  register_object_handlers();
  register_multipart_handlers();
}

// ---------------------------------------------------------------------------------------------
// rows

std::optional<BucketRow> S3Service::bucket(Db& d, const std::string& name) const {
  auto st = d.prepare("SELECT name, owner, region, created_at, policy FROM s3_buckets WHERE name=?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return BucketRow{st.text(0), st.text(1), st.text(2), st.f64(3), st.opt_text(4)};
}

std::optional<BucketRow> S3Service::bucket_unlocked(const std::string& name) const {
  return deps_.db.run([&](Db& d) { return bucket(d, name); });
}

Result<BucketRow> S3Service::existing_bucket(Db& d, const Params& p) const {
  std::string name = param_str(p, "Bucket");
  auto b = bucket(d, name);
  if (!b) return AwsError::NoSuchBucket(name);
  std::string expected = param_str(p, "ExpectedBucketOwner");
  if (!expected.empty() && expected != b->owner) return AwsError::AccessDenied("Access Denied");
  return *b;
}

// ---------------------------------------------------------------------------------------------
// authorization and audit

AuthzTarget S3Service::authz_target(std::string_view op, const Params& p, const CallContext& ctx) const {
  AuthzTarget t;
  const std::string bucket_name = param_str(p, "Bucket");
  const std::string bucket_arn = "arn:aws:s3:::" + bucket_name;
  auto set_bucket = [&](bool with_policy) {
    t.resource = bucket_arn;
    if (bucket_name.empty()) return;
    if (auto b = bucket_unlocked(bucket_name)) {
      t.resource_account = b->owner;
      if (with_policy && b->policy) t.resource_policy = *b->policy;
    }
  };
  auto object_arn = [&] { return bucket_arn + "/" + param_str(p, "Key"); };

  if (op == "ListBuckets") {
    t.action = "s3:ListAllMyBuckets";
    t.resource = "*";
  } else if (op == "CreateBucket") {
    // The name may belong to anyone: CreateBucket is authorized in the caller's account only.
    t.action = "s3:CreateBucket";
    t.resource = bucket_arn;
  } else if (op == "HeadBucket" || op == "ListObjectsV2") {
    t.action = "s3:ListBucket";
    set_bucket(true);
    if (op == "ListObjectsV2") {
      if (auto v = param(p, "Prefix"); v && v->is_string()) t.context.emplace_back("s3:prefix", std::string(v->get_string()));
      if (auto v = param(p, "Delimiter"); v && v->is_string())
        t.context.emplace_back("s3:delimiter", std::string(v->get_string()));
      if (auto n = param_int(p, "MaxKeys")) t.context.emplace_back("s3:max-keys", std::to_string(*n));
    }
  } else if (op == "DeleteBucket") {
    t.action = "s3:DeleteBucket";
    set_bucket(true);
  } else if (op == "GetBucketPolicy" || op == "PutBucketPolicy" || op == "DeleteBucketPolicy") {
    t.action = "s3:" + std::string(op);
    set_bucket(true);
    t.root_exempt_from_resource_policy_deny = true;
  } else if (op == "GetObject" || op == "HeadObject") {
    t.action = "s3:GetObject";
    set_bucket(true);
    t.resource = object_arn();
  } else if (op == "PutObject") {
    t.action = "s3:PutObject";
    set_bucket(true);
    t.resource = object_arn();
  } else if (op == "CreateMultipartUpload" || op == "UploadPart" || op == "CompleteMultipartUpload") {
    t.action = "s3:PutObject";
    set_bucket(true);
    t.resource = object_arn();
  } else if (op == "AbortMultipartUpload") {
    t.action = "s3:AbortMultipartUpload";
    set_bucket(true);
    t.resource = object_arn();
  } else if (op == "DeleteObject") {
    t.action = "s3:DeleteObject";
    set_bucket(true);
    t.resource = object_arn();
  } else {
    t.action = "s3:" + std::string(op);
    set_bucket(true);
  }
  (void)ctx;
  return t;
}

void S3Service::audit_hints(std::string_view op, const Params& p, const json::value&, const CallContext& ctx,
                            std::vector<std::string>& recipients, std::vector<AuditResource>& resources) const {
  const std::string name = param_str(p, "Bucket");
  if (name.empty()) return;
  std::string owner = ctx.principal.account_id;
  if (auto b = bucket_unlocked(name)) owner = b->owner;
  resources.push_back({owner, "AWS::S3::Bucket", "arn:aws:s3:::" + name});
  if (auto key = param(p, "Key"); key && key->is_string())
    resources.push_back({owner, "AWS::S3::Object", "arn:aws:s3:::" + name + "/" + std::string(key->get_string())});
  if (!owner.empty() && std::find(recipients.begin(), recipients.end(), owner) == recipients.end())
    recipients.push_back(owner);
  (void)op;
}

// ---------------------------------------------------------------------------------------------
// buckets

void S3Service::register_bucket_handlers() {
  on("CreateBucket", [this](CallContext& c, const Params& p) { return create_bucket(c, p); });
  on("HeadBucket", [this](CallContext& c, const Params& p) { return head_bucket(c, p); });
  on("ListBuckets", [this](CallContext& c, const Params& p) { return list_buckets(c, p); });
  on("DeleteBucket", [this](CallContext& c, const Params& p) { return delete_bucket(c, p); });
  on("PutBucketPolicy", [this](CallContext& c, const Params& p) { return put_bucket_policy(c, p); });
  on("GetBucketPolicy", [this](CallContext& c, const Params& p) { return get_bucket_policy(c, p); });
  on("DeleteBucketPolicy", [this](CallContext& c, const Params& p) { return delete_bucket_policy(c, p); });
}

OperationResult S3Service::create_bucket(CallContext& ctx, const Params& p) {
  const std::string name = param_str(p, "Bucket");
  if (!valid_bucket_name(name)) return invalid_bucket_name(name);
  const std::string region = ctx.region.empty() ? "us-east-1" : std::string(ctx.region);
  std::string constraint;
  if (auto cfg = param(p, "CreateBucketConfiguration"); cfg && cfg->is_object())
    constraint = param_str(cfg->get_object(), "LocationConstraint");
  if (constraint == "us-east-1")
    return AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid", 400)
        .with("LocationConstraint", constraint);
  const std::string bucket_region = constraint.empty() ? "us-east-1" : constraint;
  if (bucket_region != region)
    return AwsError("IllegalLocationConstraintException",
                    fmt::format("The {} location constraint is incompatible for the region specific endpoint this "
                                "request was sent to.",
                                constraint.empty() ? "unspecified" : constraint),
                    400);
  const std::string me = caller_account(ctx);
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    if (auto b = bucket(d, name)) {
      if (b->owner != me)
        return AwsError("BucketAlreadyExists",
                        "The requested bucket name is not available. The bucket namespace is shared by all users of "
                        "the system. Please select a different name and try again.",
                        409)
            .with("BucketName", name);
      // us-east-1 answers a repeated CreateBucket by the owner with 200 (S3 API reference, error codes).
      if (b->region == "us-east-1" && region == "us-east-1") return done(json::object{{"Location", "/" + name}});
      return AwsError("BucketAlreadyOwnedByYou",
                      "Your previous request to create the named bucket succeeded and you already own it.", 409)
          .with("BucketName", name);
    }
    auto st = d.prepare("INSERT INTO s3_buckets(name, owner, region, created_at, policy) VALUES(?,?,?,?,NULL)");
    st.bind(1, name).bind(2, me).bind(3, bucket_region).bind(4, deps_.clock.now_seconds());
    st.run();
    json::object out{{"Location", "/" + name}, {"BucketArn", "arn:aws:s3:::" + name}};
    return done(std::move(out));
  });
}

OperationResult S3Service::head_bucket(CallContext&, const Params& p) {
  return deps_.db.run([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    return done(json::object{{"BucketRegion", b->region}, {"BucketLocationType", nullptr}});
  });
}

OperationResult S3Service::list_buckets(CallContext& ctx, const Params& p) {
  const std::string me = caller_account(ctx);
  const std::string prefix = param_str(p, "Prefix");
  const std::string token = param_str(p, "ContinuationToken");
  std::string after;
  if (!token.empty()) {
    auto decoded = crypto::base64_decode(token);
    if (!decoded)
      return AwsError::InvalidArgument("The continuation token provided is incorrect")
          .with("ArgumentName", "continuation-token");
    after = *decoded;
  }
  int64_t max = 10000;
  if (auto n = param_int(p, "MaxBuckets")) {
    if (*n < 1 || *n > 10000)
      return AwsError::InvalidArgument("Argument max-buckets must be an integer between 1 and 10000")
          .with("ArgumentName", "max-buckets");
    max = *n;
  }
  const std::string region_filter = param_str(p, "BucketRegion");
  return deps_.db.run([&](Db& d) -> OperationResult {
    auto st = d.prepare("SELECT name, region, created_at FROM s3_buckets WHERE owner=? AND name>? ORDER BY name");
    st.bind(1, me).bind(2, after);
    json::array buckets;
    std::string last;
    bool more = false;
    while (st.step()) {
      std::string name = st.text(0);
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      if (!region_filter.empty() && st.text(1) != region_filter) continue;
      if (static_cast<int64_t>(buckets.size()) >= max) {
        more = true;
        break;
      }
      buckets.push_back(json::object{{"Name", name},
                                     {"CreationDate", st.f64(2)},
                                     {"BucketRegion", st.text(1)},
                                     {"BucketArn", "arn:aws:s3:::" + name}});
      last = name;
    }
    json::object out{{"Buckets", std::move(buckets)},
                     {"Owner", json::object{{"DisplayName", me}, {"ID", canonical_user_id(me)}}}};
    if (!prefix.empty()) out["Prefix"] = prefix;
    if (more) out["ContinuationToken"] = crypto::base64_encode(last);
    return done(std::move(out));
  });
}

OperationResult S3Service::delete_bucket(CallContext&, const Params& p) {
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    auto st = d.prepare("SELECT 1 FROM s3_objects WHERE bucket=? LIMIT 1");
    st.bind(1, b->name);
    if (st.step())
      return AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409).with("BucketName", b->name);
    auto del = d.prepare("DELETE FROM s3_buckets WHERE name=?");
    del.bind(1, b->name);
    del.run();
    return done(json::object{});
  });
}

// ---------------------------------------------------------------------------------------------
// bucket policies. Only identities of the owner account may manage the policy: others get 405
// (S3 API reference, GetBucketPolicy / PutBucketPolicy / DeleteBucketPolicy).

namespace {
// Every Resource of a bucket policy must be the bucket or within it (or "*").
Status resources_in_bucket(const std::string& doc, const std::string& bucket) {
  boost::system::error_code ec;
  auto v = json::parse(doc, ec);
  if (ec || !v.is_object()) return OkStatus();  // CompilePolicy has already judged the syntax
  const std::string arn = "arn:aws:s3:::" + bucket;
  auto ok = [&](const json::value& r) {
    if (!r.is_string()) return false;
    std::string_view s = r.get_string();
    return s == "*" || s == arn || s.substr(0, arn.size() + 1) == arn + "/";
  };
  auto check_statement = [&](const json::value& st) {
    if (!st.is_object()) return true;
    for (auto key : {"Resource", "NotResource"}) {
      auto r = st.get_object().if_contains(key);
      if (!r) continue;
      if (r->is_array()) {
        for (const auto& e : r->get_array())
          if (!ok(e)) return false;
      } else if (!ok(*r)) {
        return false;
      }
    }
    return true;
  };
  auto statements = v.get_object().if_contains("Statement");
  bool good = true;
  if (statements && statements->is_array()) {
    for (const auto& st : statements->get_array()) good = good && check_statement(st);
  } else if (statements) {
    good = check_statement(*statements);
  }
  if (!good) return AwsError("MalformedPolicy", "Policy has invalid resource", 400);
  return OkStatus();
}

Status owner_only(const CallContext& ctx, const BucketRow& b, const char* method) {
  if (ctx.principal.account_id != b.owner) return AwsError::MethodNotAllowed(method, "BUCKET");
  return OkStatus();
}
}  // namespace

OperationResult S3Service::put_bucket_policy(CallContext& ctx, const Params& p) {
  const std::string doc = param_str(p, "Policy");
  policy::CompileOptions opt;
  opt.kind = policy::PolicyKind::Resource;
  opt.dialect = policy::ErrorDialect::S3;
  auto compiled = policy::CompilePolicy(doc, opt);
  if (!compiled) {
    AwsError e = compiled.error();
    e.code = "MalformedPolicy";
    e.http_status = 400;
    return e;
  }
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    if (auto st = owner_only(ctx, *b, "PUT"); !st) return std::move(st).error();
    if (auto st = resources_in_bucket(doc, b->name); !st) return std::move(st).error();
    auto st = d.prepare("UPDATE s3_buckets SET policy=? WHERE name=?");
    st.bind(1, doc).bind(2, b->name);
    st.run();
    return done(json::object{});
  });
}

OperationResult S3Service::get_bucket_policy(CallContext& ctx, const Params& p) {
  return deps_.db.run([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    if (auto st = owner_only(ctx, *b, "GET"); !st) return std::move(st).error();
    if (!b->policy)
      return AwsError("NoSuchBucketPolicy", "The bucket policy does not exist", 404).with("BucketName", b->name);
    return done(json::object{{"Policy", *b->policy}});
  });
}

OperationResult S3Service::delete_bucket_policy(CallContext& ctx, const Params& p) {
  return deps_.db.transaction([&](Db& d) -> OperationResult {
    auto b = existing_bucket(d, p);
    if (!b) return std::move(b).error();
    if (auto st = owner_only(ctx, *b, "DELETE"); !st) return std::move(st).error();
    auto st = d.prepare("UPDATE s3_buckets SET policy=NULL WHERE name=?");
    st.bind(1, b->name);
    st.run();
    return done(json::object{});
  });
}

}  // namespace orgroot::services::s3
