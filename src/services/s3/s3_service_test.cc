// S3 handlers, authz targets and body files over store::Db(":memory:").
#include "services/s3/s3_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "auth/crypto.h"
#include "server/authorizer.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::services::s3 {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using auth::Principal;
using auth::PrincipalType;

class CountingRandom final : public Random {
 public:
  void fill(unsigned char* out, size_t n) override {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<unsigned char>(next_++ * 37 + 11);
  }

 private:
  unsigned next_ = 0;
};

const std::string kA = "111111111111";
const std::string kB = "222222222222";

Principal user(const std::string& account, const std::string& name = "alice") {
  Principal p;
  p.type = PrincipalType::IamUser;
  p.account_id = account;
  p.user_name = name;
  p.user_id = "AIDA" + name;
  p.arn = "arn:aws:iam::" + account + ":user/" + name;
  return p;
}
Principal root(const std::string& account) {
  Principal p;
  p.type = PrincipalType::Root;
  p.account_id = account;
  p.user_id = account;
  p.arn = "arn:aws:iam::" + account + ":root";
  return p;
}

// Every IAM user has AdministratorAccess (what the bootstrap admin has).
class AdminEverywhere final : public IdentityPolicyView {
 public:
  IdentityPolicies policies_for(const Principal& who) override {
    IdentityPolicies out;
    if (who.type == PrincipalType::Root) return out;
    static const auto admin = policy::CompilePolicy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
    out.identity.push_back(admin.value());
    return out;
  }
};

const char* kDenyAll = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",)"
                       R"("Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"]}]})";

class S3Test : public ::testing::Test {
 protected:
  explicit S3Test(std::string data_dir = "") : data_dir_(std::move(data_dir)) {}
  void SetUp() override {
    deps_ = std::make_unique<ServiceDeps>(ServiceDeps{db, identity, clock, random, kA, quotas, data_dir_});
    svc = std::make_unique<S3Service>(*deps_);
  }

  OperationResult call(const std::string& op, json::object params, const Principal& who,
                       std::string region = "us-east-1") {
    CallContext ctx{who, "req", region, "127.0.0.1", false};
    auto h = svc->find(op);
    EXPECT_NE(h, nullptr) << op;
    return (*h)(ctx, params);
  }
  OperationResult call(const std::string& op, json::object params) { return call(op, std::move(params), user(kA)); }
  AuthzTarget target(const std::string& op, json::object params, const Principal& who) {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
    return svc->authz_target(op, params, ctx);
  }
  static std::string code(const OperationResult& r) { return r ? "" : r.error().code; }

  std::string data_dir_;
  store::Db db{":memory:"};
  store::SqliteIdentityStore identity{db};
  ManualClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1760000000))};
  CountingRandom random;
  Quotas quotas;
  std::unique_ptr<ServiceDeps> deps_;
  std::unique_ptr<S3Service> svc;
};

TEST(S3Names, BucketNameRules) {
  for (const std::string& ok : std::vector<std::string>{"abc", "my-bucket.1", "a1b", std::string(63, 'a')})
    EXPECT_TRUE(valid_bucket_name(ok)) << ok;
  for (const std::string& bad :
       std::vector<std::string>{"ab", "Abc", "a_b", "-ab", "ab-", "a..b", "192.168.1.1", "xn--abc", "sthree-x",
                                "abc-s3alias", "a.-b", std::string(64, 'a')})
    EXPECT_FALSE(valid_bucket_name(bad)) << bad;
  EXPECT_EQ(canonical_user_id(kA).size(), 64u);
  EXPECT_EQ(canonical_user_id(kA), canonical_user_id(kA));
  EXPECT_NE(canonical_user_id(kA), canonical_user_id(kB));
  EXPECT_EQ(s3_url_encode("a b/c+d%"), "a+b/c%2Bd%25");
}

TEST_F(S3Test, CreateHeadListDeleteBucket) {
  auto r = call("CreateBucket", {{"Bucket", "b1k"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->at("Location").as_string(), "/b1k");
  EXPECT_EQ(code(call("CreateBucket", {{"Bucket", "Bad_Name"}})), "InvalidBucketName");
  // us-east-1 answers the owner's repeat with 200; elsewhere BucketAlreadyOwnedByYou.
  EXPECT_TRUE(call("CreateBucket", {{"Bucket", "b1k"}}));
  auto cfg = json::object{{"LocationConstraint", "eu-west-1"}};
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "b2k"}, {"CreateBucketConfiguration", cfg}}, user(kA), "eu-west-1"));
  EXPECT_EQ(code(call("CreateBucket", {{"Bucket", "b2k"}, {"CreateBucketConfiguration", cfg}}, user(kA), "eu-west-1")),
            "BucketAlreadyOwnedByYou");
  EXPECT_EQ(code(call("CreateBucket", {{"Bucket", "b1k"}}, user(kB))), "BucketAlreadyExists");
  EXPECT_EQ(call("CreateBucket", {{"Bucket", "b1k"}}, user(kB)).error().http_status, 409);
  EXPECT_EQ(code(call("CreateBucket", {{"Bucket", "b3k"}, {"CreateBucketConfiguration", cfg}})),
            "IllegalLocationConstraintException");
  EXPECT_EQ(code(call("CreateBucket", {{"Bucket", "b3k"}}, user(kA), "eu-west-1")),
            "IllegalLocationConstraintException");

  auto h = call("HeadBucket", {{"Bucket", "b2k"}});
  ASSERT_TRUE(h);
  EXPECT_EQ(h->at("BucketRegion").as_string(), "eu-west-1");
  EXPECT_EQ(code(call("HeadBucket", {{"Bucket", "nope"}})), "NoSuchBucket");
  EXPECT_EQ(code(call("HeadBucket", {{"Bucket", "b1k"}, {"ExpectedBucketOwner", kB}})), "AccessDenied");

  auto l = call("ListBuckets", {});
  ASSERT_TRUE(l);
  ASSERT_EQ(l->at("Buckets").as_array().size(), 2u);
  EXPECT_EQ(l->at("Buckets").as_array()[0].at("Name").as_string(), "b1k");
  EXPECT_EQ(l->at("Owner").at("ID").as_string(), canonical_user_id(kA));
  EXPECT_EQ(call("ListBuckets", {}, user(kB))->at("Buckets").as_array().size(), 0u);

  ASSERT_TRUE(call("PutObject", {{"Bucket", "b1k"}, {"Key", "k"}, {"Body", "x"}}));
  auto ne = call("DeleteBucket", {{"Bucket", "b1k"}});
  EXPECT_EQ(code(ne), "BucketNotEmpty");
  EXPECT_EQ(ne.error().message, "The bucket you tried to delete is not empty");
  ASSERT_TRUE(call("DeleteObject", {{"Bucket", "b1k"}, {"Key", "k"}}));
  ASSERT_TRUE(call("DeleteBucket", {{"Bucket", "b1k"}}));
  EXPECT_EQ(code(call("DeleteBucket", {{"Bucket", "b1k"}})), "NoSuchBucket");
}

TEST_F(S3Test, BucketPolicyCrud) {
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "pbk"}}));
  auto none = call("GetBucketPolicy", {{"Bucket", "pbk"}});
  EXPECT_EQ(code(none), "NoSuchBucketPolicy");
  EXPECT_EQ(none.error().message, "The bucket policy does not exist");
  EXPECT_EQ(none.error().http_status, 404);
  auto bad = call("PutBucketPolicy", {{"Bucket", "pbk"}, {"Policy", "not json"}});
  EXPECT_EQ(code(bad), "MalformedPolicy");
  EXPECT_EQ(bad.error().message, "Policies must be valid JSON and the first byte must be '{'");
  auto elsewhere = call("PutBucketPolicy", {{"Bucket", "pbk"},
                                            {"Policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                                       R"("Principal":"*","Action":"s3:GetObject",)"
                                                       R"("Resource":"arn:aws:s3:::other-bucket/*"}]})"}});
  EXPECT_EQ(code(elsewhere), "MalformedPolicy");
  EXPECT_EQ(elsewhere.error().message, "Policy has invalid resource");
  EXPECT_EQ(code(call("PutBucketPolicy", {{"Bucket", "pbk"}, {"Policy", R"({"Version":"2012-10-17"})"}})),
            "MalformedPolicy");
  const std::string doc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
                          R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::pbk/*"}]})";
  ASSERT_TRUE(call("PutBucketPolicy", {{"Bucket", "pbk"}, {"Policy", doc}}));
  EXPECT_EQ(call("GetBucketPolicy", {{"Bucket", "pbk"}})->at("Policy").as_string(), doc);
  // Another account's identities get 405 even when allowed.
  auto other = call("GetBucketPolicy", {{"Bucket", "pbk"}}, user(kB));
  EXPECT_EQ(code(other), "MethodNotAllowed");
  EXPECT_EQ(other.error().http_status, 405);
  ASSERT_TRUE(call("DeleteBucketPolicy", {{"Bucket", "pbk"}}));
  EXPECT_EQ(code(call("GetBucketPolicy", {{"Bucket", "pbk"}})), "NoSuchBucketPolicy");
  EXPECT_EQ(code(call("PutBucketPolicy", {{"Bucket", "nope"}, {"Policy", doc}})), "NoSuchBucket");
}

TEST_F(S3Test, Objects) {
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "obk"}}));
  auto put = call("PutObject", {{"Bucket", "obk"},
                                {"Key", "dir/a.txt"},
                                {"Body", "hello world"},
                                {"ContentType", "text/plain"},
                                {"Metadata", json::object{{"color", "blue"}}}});
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(put->at("ETag").as_string(), "\"" + crypto::md5_hex("hello world") + "\"");
  auto get = call("GetObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->at("Body").as_string(), "hello world");
  EXPECT_EQ(get->at("ContentLength").as_int64(), 11);
  EXPECT_EQ(get->at("ContentType").as_string(), "text/plain");
  EXPECT_EQ(get->at("Metadata").at("color").as_string(), "blue");
  EXPECT_DOUBLE_EQ(get->at("LastModified").as_double(), 1760000000.0);
  auto range = call("GetObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}, {"Range", "bytes=0-4"}});
  EXPECT_EQ(range->at("Body").as_string(), "hello");
  EXPECT_EQ(range->at("ContentRange").as_string(), "bytes 0-4/11");
  EXPECT_EQ(call("GetObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}, {"Range", "bytes=-5"}})->at("Body").as_string(),
            "world");
  EXPECT_EQ(code(call("GetObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}, {"Range", "bytes=20-"}})), "InvalidRange");
  auto head = call("HeadObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}});
  ASSERT_TRUE(head);
  EXPECT_FALSE(head->as_object().contains("Body"));
  EXPECT_EQ(head->at("ContentLength").as_int64(), 11);
  auto missing = call("GetObject", {{"Bucket", "obk"}, {"Key", "nope"}});
  EXPECT_EQ(code(missing), "NoSuchKey");
  EXPECT_EQ(missing.error().message, "The specified key does not exist.");
  EXPECT_EQ(code(call("HeadObject", {{"Bucket", "obk"}, {"Key", "nope"}})), "NoSuchKey");
  EXPECT_EQ(code(call("GetObject", {{"Bucket", "none"}, {"Key", "k"}})), "NoSuchBucket");
  EXPECT_EQ(code(call("PutObject", {{"Bucket", "none"}, {"Key", "k"}, {"Body", "x"}})), "NoSuchBucket");
  // Content-MD5 is checked.
  EXPECT_EQ(code(call("PutObject", {{"Bucket", "obk"}, {"Key", "k"}, {"Body", "x"}, {"ContentMD5", "zzz"}})),
            "InvalidDigest");
  EXPECT_EQ(code(call("PutObject", {{"Bucket", "obk"},
                                    {"Key", "k"},
                                    {"Body", "x"},
                                    {"ContentMD5", crypto::base64_encode(crypto::md5("y"))}})),
            "BadDigest");
  // Overwrite, delete (204 even when absent).
  ASSERT_TRUE(call("PutObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}, {"Body", "v2"}}));
  EXPECT_EQ(call("GetObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}})->at("Body").as_string(), "v2");
  ASSERT_TRUE(call("DeleteObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}}));
  ASSERT_TRUE(call("DeleteObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}}));
  EXPECT_EQ(code(call("GetObject", {{"Bucket", "obk"}, {"Key", "dir/a.txt"}})), "NoSuchKey");
}

TEST_F(S3Test, MultipartUpload) {
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "mpk"}}));
  auto c = call("CreateMultipartUpload", {{"Bucket", "mpk"}, {"Key", "big"}, {"ContentType", "text/x"}});
  ASSERT_TRUE(c) << c.error().message;
  const std::string id(c->at("UploadId").as_string());
  const std::string p1(5 * 1024 * 1024, 'a'), p2 = "tail";
  auto u1 = call("UploadPart", {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id}, {"PartNumber", 1}, {"Body", p1}});
  auto u2 = call("UploadPart", {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id}, {"PartNumber", 2}, {"Body", p2}});
  ASSERT_TRUE(u1 && u2);
  EXPECT_EQ(u1->at("ETag").as_string(), "\"" + crypto::md5_hex(p1) + "\"");
  EXPECT_EQ(code(call("UploadPart", {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", "x"}, {"PartNumber", 1}})),
            "NoSuchUpload");
  EXPECT_EQ(code(call("UploadPart", {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id}, {"PartNumber", 0}})),
            "InvalidArgument");
  auto parts = [&](json::array a) { return json::object{{"Parts", std::move(a)}}; };
  auto part = [](int n, const json::value& etag) { return json::object{{"PartNumber", n}, {"ETag", etag}}; };
  EXPECT_EQ(code(call("CompleteMultipartUpload",
                      {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id},
                       {"MultipartUpload", parts({part(2, u2->at("ETag")), part(1, u1->at("ETag"))})}})),
            "InvalidPartOrder");
  EXPECT_EQ(code(call("CompleteMultipartUpload", {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id},
                                                  {"MultipartUpload", parts({part(1, json::value("\"00\""))})}})),
            "InvalidPart");
  EXPECT_EQ(code(call("CompleteMultipartUpload",
                      {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id},
                       {"MultipartUpload", parts({part(1, u1->at("ETag")), part(3, u2->at("ETag"))})}})),
            "InvalidPart");
  auto done = call("CompleteMultipartUpload",
                   {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id},
                    {"MultipartUpload", parts({part(1, u1->at("ETag")), part(2, u2->at("ETag"))})}});
  ASSERT_TRUE(done) << done.error().message;
  std::string digests = *crypto::hex_decode(crypto::md5_hex(p1)) + *crypto::hex_decode(crypto::md5_hex(p2));
  EXPECT_EQ(done->at("ETag").as_string(), "\"" + crypto::md5_hex(digests) + "-2\"");
  auto get = call("GetObject", {{"Bucket", "mpk"}, {"Key", "big"}});
  EXPECT_EQ(get->at("Body").as_string(), p1 + p2);
  EXPECT_EQ(get->at("ContentType").as_string(), "text/x");
  EXPECT_EQ(code(call("CompleteMultipartUpload", {{"Bucket", "mpk"}, {"Key", "big"}, {"UploadId", id}})),
            "NoSuchUpload");
  // Abort.
  auto c2 = call("CreateMultipartUpload", {{"Bucket", "mpk"}, {"Key", "gone"}});
  const std::string id2(c2->at("UploadId").as_string());
  ASSERT_TRUE(call("UploadPart", {{"Bucket", "mpk"}, {"Key", "gone"}, {"UploadId", id2}, {"PartNumber", 1}, {"Body", "x"}}));
  ASSERT_TRUE(call("AbortMultipartUpload", {{"Bucket", "mpk"}, {"Key", "gone"}, {"UploadId", id2}}));
  EXPECT_EQ(code(call("AbortMultipartUpload", {{"Bucket", "mpk"}, {"Key", "gone"}, {"UploadId", id2}})),
            "NoSuchUpload");
  EXPECT_EQ(code(call("GetObject", {{"Bucket", "mpk"}, {"Key", "gone"}})), "NoSuchKey");
  EXPECT_EQ(target("UploadPart", {{"Bucket", "mpk"}, {"Key", "k"}}, user(kA)).action, "s3:PutObject");
  EXPECT_EQ(target("AbortMultipartUpload", {{"Bucket", "mpk"}, {"Key", "k"}}, user(kA)).action,
            "s3:AbortMultipartUpload");
}

TEST_F(S3Test, ListObjectsV2) {
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "lbk"}}));
  for (auto k : {"a/1", "a/2", "b/1", "c", "d e"})
    ASSERT_TRUE(call("PutObject", {{"Bucket", "lbk"}, {"Key", k}, {"Body", "x"}}));
  auto all = call("ListObjectsV2", {{"Bucket", "lbk"}});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->at("KeyCount").as_int64(), 5);
  EXPECT_FALSE(all->at("IsTruncated").as_bool());
  auto delim = call("ListObjectsV2", {{"Bucket", "lbk"}, {"Delimiter", "/"}});
  EXPECT_EQ(delim->at("KeyCount").as_int64(), 4);
  ASSERT_EQ(delim->at("CommonPrefixes").as_array().size(), 2u);
  EXPECT_EQ(delim->at("CommonPrefixes").as_array()[0].at("Prefix").as_string(), "a/");
  EXPECT_EQ(delim->at("Contents").as_array().size(), 2u);
  auto pre = call("ListObjectsV2", {{"Bucket", "lbk"}, {"Prefix", "a/"}});
  EXPECT_EQ(pre->at("KeyCount").as_int64(), 2);
  auto enc = call("ListObjectsV2", {{"Bucket", "lbk"}, {"Prefix", "d"}, {"EncodingType", "url"}});
  EXPECT_EQ(enc->at("Contents").as_array()[0].at("Key").as_string(), "d+e");
  // Pagination with MaxKeys and the continuation token, also across common prefixes.
  std::vector<std::string> seen;
  json::object p{{"Bucket", "lbk"}, {"MaxKeys", 2}, {"Delimiter", "/"}};
  for (int i = 0; i < 5; ++i) {
    auto page = call("ListObjectsV2", p);
    ASSERT_TRUE(page);
    if (auto c = page->as_object().if_contains("Contents"))
      for (auto& o : c->as_array()) seen.emplace_back(o.at("Key").as_string());
    if (auto c = page->as_object().if_contains("CommonPrefixes"))
      for (auto& o : c->as_array()) seen.emplace_back(o.at("Prefix").as_string());
    if (!page->at("IsTruncated").as_bool()) break;
    p["ContinuationToken"] = page->at("NextContinuationToken");
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"a/", "b/", "c", "d e"}));
  auto after = call("ListObjectsV2", {{"Bucket", "lbk"}, {"StartAfter", "b/1"}});
  EXPECT_EQ(after->at("KeyCount").as_int64(), 2);
  EXPECT_EQ(code(call("ListObjectsV2", {{"Bucket", "lbk"}, {"ContinuationToken", "!!"}})), "InvalidArgument");
  EXPECT_EQ(code(call("ListObjectsV2", {{"Bucket", "zz"}})), "NoSuchBucket");
}

TEST_F(S3Test, AuthzTargets) {
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "locked"}}));
  ASSERT_TRUE(call("PutBucketPolicy", {{"Bucket", "locked"}, {"Policy", kDenyAll}}));
  auto t = target("GetObject", {{"Bucket", "locked"}, {"Key", "a/b"}}, user(kB));
  EXPECT_EQ(t.action, "s3:GetObject");
  EXPECT_EQ(t.resource, "arn:aws:s3:::locked/a/b");
  EXPECT_EQ(t.resource_account, kA);
  EXPECT_EQ(t.resource_policy, kDenyAll);
  EXPECT_FALSE(t.root_exempt_from_resource_policy_deny);
  EXPECT_EQ(target("HeadObject", {{"Bucket", "locked"}, {"Key", "k"}}, user(kA)).action, "s3:GetObject");
  auto lt = target("ListObjectsV2", {{"Bucket", "locked"}, {"Prefix", "p/"}}, user(kA));
  EXPECT_EQ(lt.action, "s3:ListBucket");
  EXPECT_EQ(lt.resource, "arn:aws:s3:::locked");
  EXPECT_EQ(lt.context.at(0), (std::pair<std::string, std::string>{"s3:prefix", "p/"}));
  EXPECT_EQ(target("HeadBucket", {{"Bucket", "locked"}}, user(kA)).action, "s3:ListBucket");
  EXPECT_EQ(target("ListBuckets", {}, user(kA)).action, "s3:ListAllMyBuckets");
  EXPECT_EQ(target("PutObject", {{"Bucket", "locked"}, {"Key", "k"}}, user(kA)).action, "s3:PutObject");
  EXPECT_EQ(target("DeleteObject", {{"Bucket", "locked"}, {"Key", "k"}}, user(kA)).action, "s3:DeleteObject");
  EXPECT_EQ(target("DeleteBucket", {{"Bucket", "locked"}}, user(kA)).action, "s3:DeleteBucket");
  auto ct = target("CreateBucket", {{"Bucket", "locked"}}, user(kB));
  EXPECT_EQ(ct.action, "s3:CreateBucket");
  EXPECT_TRUE(ct.resource_account.empty());
  EXPECT_TRUE(ct.resource_policy.empty());
  for (auto op : {"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"}) {
    auto pt = target(op, {{"Bucket", "locked"}}, root(kA));
    EXPECT_EQ(pt.action, std::string("s3:") + op);
    EXPECT_EQ(pt.resource, "arn:aws:s3:::locked");
    EXPECT_EQ(pt.resource_policy, kDenyAll);
    EXPECT_TRUE(pt.root_exempt_from_resource_policy_deny) << op;
  }
}

// The deny-all bucket policy through the real authorizer: everyone is locked out of the bucket,
// the owner's root may still manage the policy.
TEST_F(S3Test, DenyAllPolicyLocksEveryoneButRootPolicyCalls) {
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "locked"}}));
  ASSERT_TRUE(call("PutBucketPolicy", {{"Bucket", "locked"}, {"Policy", kDenyAll}}));
  AdminEverywhere iam;
  server::Authorizer authz(&iam, nullptr, clock, nullptr);
  HttpRequest req;
  auto check = [&](const std::string& op, json::object p, const Principal& who) {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
    return bool(authz.authorize(who, svc->authz_target(op, p, ctx), req, "us-east-1"));
  };
  EXPECT_FALSE(check("GetObject", {{"Bucket", "locked"}, {"Key", "k"}}, user(kA, "admin")));
  EXPECT_FALSE(check("PutBucketPolicy", {{"Bucket", "locked"}}, user(kA, "admin")));
  EXPECT_FALSE(check("DeleteBucketPolicy", {{"Bucket", "locked"}}, user(kA, "admin")));
  EXPECT_FALSE(check("GetObject", {{"Bucket", "locked"}, {"Key", "k"}}, root(kA)));
  EXPECT_FALSE(check("ListObjectsV2", {{"Bucket", "locked"}}, root(kA)));
  EXPECT_TRUE(check("GetBucketPolicy", {{"Bucket", "locked"}}, root(kA)));
  EXPECT_TRUE(check("PutBucketPolicy", {{"Bucket", "locked"}}, root(kA)));
  EXPECT_TRUE(check("DeleteBucketPolicy", {{"Bucket", "locked"}}, root(kA)));
  EXPECT_FALSE(check("DeleteBucketPolicy", {{"Bucket", "locked"}}, root(kB)));
  // Anonymous callers are let in only by the bucket policy.
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "public"}}));
  Principal anon;
  anon.arn = "*";
  EXPECT_FALSE(check("GetObject", {{"Bucket", "public"}, {"Key", "k"}}, anon));
  ASSERT_TRUE(call("PutBucketPolicy",
                   {{"Bucket", "public"},
                    {"Policy", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
                               R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}]})"}}));
  EXPECT_TRUE(check("GetObject", {{"Bucket", "public"}, {"Key", "k"}}, anon));
  EXPECT_FALSE(check("PutObject", {{"Bucket", "public"}, {"Key", "k"}}, anon));
  // Cross-account: allowed only when the bucket policy allows.
  EXPECT_TRUE(check("GetObject", {{"Bucket", "public"}, {"Key", "k"}}, user(kB)));
  EXPECT_FALSE(check("PutObject", {{"Bucket", "public"}, {"Key", "k"}}, user(kB)));
}

TEST_F(S3Test, AuditHints) {
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "abk"}}));
  std::vector<std::string> recipients{kB};
  std::vector<AuditResource> resources;
  CallContext ctx{user(kB), "req", "us-east-1", "127.0.0.1", false};
  svc->audit_hints("GetObject", {{"Bucket", "abk"}, {"Key", "k"}}, json::value(), ctx, recipients, resources);
  ASSERT_EQ(resources.size(), 2u);
  EXPECT_EQ(resources[0].type, "AWS::S3::Bucket");
  EXPECT_EQ(resources[0].arn, "arn:aws:s3:::abk");
  EXPECT_EQ(resources[0].account_id, kA);
  EXPECT_EQ(resources[1].arn, "arn:aws:s3:::abk/k");
  EXPECT_EQ(recipients, (std::vector<std::string>{kB, kA}));
}

// With a data directory, bodies are files under <data_dir>/s3/objects, replaced and removed with
// their objects.
class S3FileTest : public S3Test {
 protected:
  S3FileTest() : S3Test(make_dir()) {}
  ~S3FileTest() override {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }
  static std::string make_dir() {
    auto p = fs::temp_directory_path() / ("orgroot-s3-test-" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p.string();
  }
  std::vector<fs::path> files() {
    std::vector<fs::path> out;
    for (auto& e : fs::directory_iterator(svc->objects_dir())) out.push_back(e.path());
    return out;
  }
};

TEST_F(S3FileTest, BodiesAreDurableFiles) {
  EXPECT_EQ(svc->objects_dir(), (fs::path(data_dir_) / "s3" / "objects").string());
  ASSERT_TRUE(call("CreateBucket", {{"Bucket", "fbk"}}));
  std::string big(3 * 1024 * 1024 + 7, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  ASSERT_TRUE(call("PutObject", {{"Bucket", "fbk"}, {"Key", "big"}, {"Body", big}}));
  auto f = files();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(fs::file_size(f[0]), big.size());
  EXPECT_EQ(f[0].filename().string().find(".tmp"), std::string::npos);
  EXPECT_EQ(call("GetObject", {{"Bucket", "fbk"}, {"Key", "big"}})->at("Body").as_string(), big);
  // A second service over the same database and directory (a restart) reads it back.
  S3Service again(*deps_);
  CallContext ctx{user(kA), "req", "us-east-1", "127.0.0.1", false};
  auto r = (*again.find("GetObject"))(ctx, json::object{{"Bucket", "fbk"}, {"Key", "big"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("Body").as_string().size(), big.size());
  ASSERT_TRUE(call("PutObject", {{"Bucket", "fbk"}, {"Key", "big"}, {"Body", "small"}}));
  f = files();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(fs::file_size(f[0]), 5u);
  ASSERT_TRUE(call("DeleteObject", {{"Bucket", "fbk"}, {"Key", "big"}}));
  EXPECT_TRUE(files().empty());
}

}  // namespace
}  // namespace orgroot::services::s3
