// Amazon S3 (rest-xml), enough to lock a bucket with its policy and unlock it again: buckets
// (global names owned by an account), bucket policies, and objects (put/get/head/delete/list).
//
// Metadata lives in SQLite (tables s3_buckets, s3_objects). Object bodies live in files under
// `<data_dir>/s3/objects/` written durably (temp file + fsync + rename + fsync of the directory)
// when the server has a data directory, else in the s3_objects row itself.
//
// Authorization: authz_target names the IAM action, the bucket/object ARN, the owner account and
// the bucket policy, so that the pipeline's authorizer evaluates the bucket policy for every call.
// Get/Put/DeleteBucketPolicy carry root_exempt_from_resource_policy_deny: the owner account's root
// may always manage the policy (S3 API reference, PutBucketPolicy).
//
// Handlers: s3_service.cc (buckets, policies, authz, audit), s3_objects.cc (objects, bodies),
// s3_multipart.cc (multipart uploads: create, upload part, complete, abort).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "services/deps.h"
#include "services/service.h"
#include "store/sqlite.h"

namespace orgroot::services::s3 {

struct BucketRow {
  std::string name, owner, region;
  double created_at = 0;
  std::optional<std::string> policy;
};

struct ObjectRow {
  std::string bucket, key, etag, content_type;
  int64_t size = 0;
  double last_modified = 0;
  std::string metadata_json = "{}";  // x-amz-meta-* (lowercase names)
  std::string headers_json = "{}";   // CacheControl, ContentDisposition, ... as given
  std::string body_file;             // "" = body in the row
};

// S3's rules for bucket names (general purpose buckets).
bool valid_bucket_name(std::string_view name);
// 64 lowercase hex characters, stable per account (AWS's canonical user id shape).
std::string canonical_user_id(std::string_view account_id);
// Percent-encoding of ListObjectsV2 with encoding-type=url (space as '+', '/' kept).
std::string s3_url_encode(std::string_view s);

// A handler's successful answer.
inline OperationResult done(boost::json::object o = {}) { return boost::json::value(std::move(o)); }

class S3Service final : public Service {
 public:
  explicit S3Service(ServiceDeps& deps);
  std::string_view name() const override { return "s3"; }

  AuthzTarget authz_target(std::string_view operation, const boost::json::object& params,
                           const CallContext& ctx) const override;
  void audit_hints(std::string_view operation, const boost::json::object& params, const boost::json::value& result,
                   const CallContext& ctx, std::vector<std::string>& recipient_accounts,
                   std::vector<AuditResource>& resources) const override;

  // For tests: where object bodies go ("" = in the database).
  std::string objects_dir() const { return objects_dir_; }

 private:
  using Db = store::Database;
  using Params = boost::json::object;

  std::optional<BucketRow> bucket(Db& d, const std::string& name) const;
  std::optional<BucketRow> bucket_unlocked(const std::string& name) const;  // takes the db lock
  std::optional<ObjectRow> object(Db& d, const std::string& bucket, const std::string& key) const;
  // The bucket the call names, checked against x-amz-expected-bucket-owner.
  Result<BucketRow> existing_bucket(Db& d, const Params& p) const;

  // ---- bodies ----
  Result<std::string> store_body(std::string_view data);  // returns the file name ("" = in row)
  std::optional<std::string> load_body(Db& d, const ObjectRow& o) const;
  void remove_body_file(const std::string& file) const;
  void remove_all_body_files() const;

  void register_bucket_handlers();
  void register_object_handlers();
  void register_multipart_handlers();  // s3_multipart.cc

  // ---- handlers ----
  OperationResult create_bucket(CallContext& ctx, const Params& p);
  OperationResult head_bucket(CallContext& ctx, const Params& p);
  OperationResult list_buckets(CallContext& ctx, const Params& p);
  OperationResult delete_bucket(CallContext& ctx, const Params& p);
  OperationResult put_bucket_policy(CallContext& ctx, const Params& p);
  OperationResult get_bucket_policy(CallContext& ctx, const Params& p);
  OperationResult delete_bucket_policy(CallContext& ctx, const Params& p);
  OperationResult put_object(CallContext& ctx, const Params& p);
  OperationResult get_object(CallContext& ctx, const Params& p, bool head);
  OperationResult delete_object(CallContext& ctx, const Params& p);
  OperationResult list_objects_v2(CallContext& ctx, const Params& p);

  ServiceDeps& deps_;
  std::string objects_dir_;  // <data_dir>/s3/objects, or ""
};

}  // namespace orgroot::services::s3
