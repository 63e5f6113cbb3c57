// LookupEvents over both storages of the trail: the database (store::Db(":memory:")) and the ring.
#include "services/cloudtrail/cloudtrail_service.h"

#include <gtest/gtest.h>

#include "store/sqlite_identity_store.h"

namespace orgroot::services::cloudtrail {
namespace {

namespace json = boost::json;
using auth::Principal;
using auth::PrincipalType;

constexpr double kT0 = 1760000000;
const std::string kA = "111111111111";
const std::string kB = "222222222222";

Principal user(const std::string& account, const std::string& name, const std::string& key) {
  Principal p;
  p.type = PrincipalType::IamUser;
  p.account_id = account;
  p.user_name = name;
  p.user_id = "AIDA" + name;
  p.arn = "arn:aws:iam::" + account + ":user/" + name;
  p.access_key_id = key;
  return p;
}

class TrailTest : public ::testing::TestWithParam<TrailStorage> {
 protected:
  store::Db db{":memory:"};
  store::SqliteIdentityStore identity{db};
  EventStore events{db, &identity, 0, GetParam()};
  CloudTrailService service{events};

  void record(const Principal& p, const std::string& service_name, const std::string& op, double t,
              std::vector<AuditResource> resources = {}, std::vector<std::string> extra_recipients = {},
              std::string error = "") {
    AuditCall c;
    c.request_id = "req-" + op;
    c.event_time = t;
    c.service = service_name;
    c.operation = op;
    c.region = "us-east-1";
    c.source_ip = "127.0.0.1";
    c.user_agent = "test";
    c.principal = p;
    c.error_code = error;
    if (!p.account_id.empty()) c.recipient_accounts.push_back(p.account_id);
    for (auto& r : extra_recipients) c.recipient_accounts.push_back(r);
    c.resources = std::move(resources);
    events.record(c);
  }

  OperationResult lookup(const std::string& account, json::object params) {
    Principal caller = user(account, "auditor", "AKIAAUDITOR000000001");
    CallContext ctx{caller, "req", "us-east-1", "127.0.0.1", false};
    return service.lookup_events(ctx, params);
  }
  static json::object attr(const std::string& k, const std::string& v) {
    return json::object{{"LookupAttributes", json::array{json::object{{"AttributeKey", k}, {"AttributeValue", v}}}}};
  }
  static std::vector<std::string> names(const OperationResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r->at("Events").as_array()) out.emplace_back(e.at("EventName").as_string());
    return out;
  }

  // alice (A): CreateUser bob at t0, GetCallerIdentity at t0+10, a denied DeleteUser at t0+20;
  // root of B: PutBucketPolicy at t0+30.
  void seed() {
    auto alice = user(kA, "alice", "AKIAALICE00000000001");
    record(alice, "iam", "CreateUser", kT0, {{kA, "AWS::IAM::User", "arn:aws:iam::" + kA + ":user/bob"}});
    record(alice, "sts", "GetCallerIdentity", kT0 + 10);
    record(alice, "iam", "DeleteUser", kT0 + 20, {{kA, "AWS::IAM::User", "arn:aws:iam::" + kA + ":user/carol"}}, {},
           "AccessDenied");
    Principal root;
    root.type = PrincipalType::Root;
    root.account_id = kB;
    root.arn = "arn:aws:iam::" + kB + ":root";
    root.access_key_id = "AKIAROOTB00000000001";
    record(root, "s3", "PutBucketPolicy", kT0 + 30, {{kB, "AWS::S3::Bucket", "arn:aws:s3:::bkt"}});
  }
};

TEST_P(TrailTest, NewestFirstAndOnlyTheCallersAccount) {
  seed();
  auto r = lookup(kA, {});
  ASSERT_TRUE(r);
  EXPECT_EQ(names(r), (std::vector<std::string>{"DeleteUser", "GetCallerIdentity", "CreateUser"}));
  EXPECT_FALSE(r->as_object().contains("NextToken"));
  auto b = lookup(kB, {});
  EXPECT_EQ(names(b), (std::vector<std::string>{"PutBucketPolicy"}));
  EXPECT_EQ(names(lookup("333333333333", {})).size(), 0u);
}

TEST_P(TrailTest, EventShape) {
  seed();
  auto r = lookup(kA, attr("EventName", "CreateUser"));
  ASSERT_TRUE(r);
  const auto& e = r->at("Events").as_array().at(0).as_object();
  EXPECT_EQ(e.at("EventName"), "CreateUser");
  EXPECT_EQ(e.at("ReadOnly"), "false");
  EXPECT_EQ(e.at("AccessKeyId"), "AKIAALICE00000000001");
  EXPECT_EQ(e.at("EventTime").to_number<double>(), kT0);
  EXPECT_EQ(e.at("EventSource"), "iam.amazonaws.com");
  EXPECT_EQ(e.at("Username"), "alice");
  EXPECT_EQ(json::serialize(e.at("Resources")), R"([{"ResourceType":"AWS::IAM::User","ResourceName":"bob"}])");
  auto rec = json::parse(e.at("CloudTrailEvent").as_string()).as_object();
  EXPECT_EQ(rec.at("eventID"), e.at("EventId"));
  EXPECT_EQ(rec.at("recipientAccountId").as_string(), kA);
  EXPECT_EQ(rec.at("userIdentity").at("userName"), "alice");
  auto denied = lookup(kA, attr("EventName", "DeleteUser"));
  auto drec = json::parse(denied->at("Events").as_array().at(0).at("CloudTrailEvent").as_string());
  EXPECT_EQ(drec.at("errorCode"), "AccessDenied");
}

TEST_P(TrailTest, EachLookupAttribute) {
  seed();
  EXPECT_EQ(names(lookup(kA, attr("EventName", "GetCallerIdentity"))), std::vector<std::string>{"GetCallerIdentity"});
  EXPECT_EQ(names(lookup(kA, attr("ReadOnly", "true"))), std::vector<std::string>{"GetCallerIdentity"});
  EXPECT_EQ(names(lookup(kA, attr("ReadOnly", "false"))), (std::vector<std::string>{"DeleteUser", "CreateUser"}));
  EXPECT_EQ(names(lookup(kA, attr("Username", "alice"))).size(), 3u);
  EXPECT_EQ(names(lookup(kA, attr("Username", "root"))).size(), 0u);
  EXPECT_EQ(names(lookup(kB, attr("Username", "root"))), std::vector<std::string>{"PutBucketPolicy"});
  EXPECT_EQ(names(lookup(kA, attr("ResourceType", "AWS::IAM::User"))), (std::vector<std::string>{"DeleteUser", "CreateUser"}));
  EXPECT_EQ(names(lookup(kA, attr("ResourceName", "bob"))), std::vector<std::string>{"CreateUser"});
  EXPECT_EQ(names(lookup(kA, attr("ResourceName", "arn:aws:iam::" + kA + ":user/carol"))),
            std::vector<std::string>{"DeleteUser"});
  EXPECT_EQ(names(lookup(kB, attr("ResourceName", "bkt"))), std::vector<std::string>{"PutBucketPolicy"});
  EXPECT_EQ(names(lookup(kA, attr("EventSource", "sts.amazonaws.com"))), std::vector<std::string>{"GetCallerIdentity"});
  EXPECT_EQ(names(lookup(kA, attr("AccessKeyId", "AKIAALICE00000000001"))).size(), 3u);
  EXPECT_EQ(names(lookup(kA, attr("AccessKeyId", "AKIAROOTB00000000001"))).size(), 0u);
  EXPECT_EQ(names(lookup(kB, attr("AccessKeyId", "AKIAROOTB00000000001"))).size(), 1u);
  auto any = lookup(kA, attr("EventName", "CreateUser"));
  std::string id(any->at("Events").as_array()[0].at("EventId").as_string());
  EXPECT_EQ(names(lookup(kA, attr("EventId", id))), std::vector<std::string>{"CreateUser"});
  EXPECT_EQ(names(lookup(kB, attr("EventId", id))).size(), 0u);  // another account's event id
}

TEST_P(TrailTest, TimeRange) {
  seed();
  json::object p{{"StartTime", kT0 + 5}, {"EndTime", kT0 + 20}};
  EXPECT_EQ(names(lookup(kA, p)), (std::vector<std::string>{"DeleteUser", "GetCallerIdentity"}));
  EXPECT_EQ(names(lookup(kA, json::object{{"EndTime", kT0}})), std::vector<std::string>{"CreateUser"});
  EXPECT_EQ(names(lookup(kA, json::object{{"StartTime", kT0 + 11}})), std::vector<std::string>{"DeleteUser"});
  auto both = attr("ReadOnly", "false");
  both["StartTime"] = kT0 + 1;
  EXPECT_EQ(names(lookup(kA, both)), std::vector<std::string>{"DeleteUser"});
}

TEST_P(TrailTest, FractionalEventTimeIsStoredAsShown) {
  record(user(kA, "alice", "AKIAALICE00000000001"), "sts", "GetCallerIdentity", kT0 + 0.9);
  EXPECT_EQ(names(lookup(kA, json::object{{"EndTime", kT0}})).size(), 1u);
}

TEST_P(TrailTest, Pagination) {
  auto alice = user(kA, "alice", "AKIAALICE00000000001");
  for (int i = 0; i < 7; ++i) record(alice, "iam", "CreateUser", kT0 + (i / 2));  // ties in time too
  std::vector<std::string> ids;
  json::object p{{"MaxResults", 3}};
  int pages = 0;
  for (;;) {
    auto r = lookup(kA, p);
    ASSERT_TRUE(r) << r.error().message;
    ++pages;
    for (const auto& e : r->at("Events").as_array()) ids.emplace_back(e.at("EventId").as_string());
    auto it = r->as_object().find("NextToken");
    if (it == r->as_object().end()) break;
    p["NextToken"] = it->value();
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(ids.size(), 7u);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
  // Default page size is 50.
  auto all = lookup(kA, {});
  EXPECT_EQ(all->at("Events").as_array().size(), 7u);
}

TEST_P(TrailTest, NextTokenBoundToItsParameters) {
  auto alice = user(kA, "alice", "AKIAALICE00000000001");
  for (int i = 0; i < 3; ++i) record(alice, "iam", "CreateUser", kT0 + i);
  auto r = lookup(kA, json::object{{"MaxResults", 1}});
  json::value token = r->at("NextToken");
  auto other = attr("EventName", "CreateUser");
  other["MaxResults"] = 1;
  other["NextToken"] = token;
  auto bad = lookup(kA, other);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidNextTokenException");
  auto garbage = lookup(kA, json::object{{"NextToken", "not-a-token"}});
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, "InvalidNextTokenException");
  auto elsewhere = lookup(kB, json::object{{"MaxResults", 1}, {"NextToken", token}});
  ASSERT_FALSE(elsewhere);
  auto fine = lookup(kA, json::object{{"MaxResults", 1}, {"NextToken", token}});
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->at("Events").as_array().size(), 1u);
}

TEST_P(TrailTest, Errors) {
  json::object two{{"LookupAttributes",
                    json::array{json::object{{"AttributeKey", "EventName"}, {"AttributeValue", "A"}},
                                json::object{{"AttributeKey", "Username"}, {"AttributeValue", "B"}}}}};
  auto r = lookup(kA, two);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidLookupAttributesException");
  EXPECT_EQ(r.error().http_status, 400);
  r = lookup(kA, attr("ReadOnly", "yes"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidLookupAttributesException");
  r = lookup(kA, json::object{{"StartTime", kT0 + 10}, {"EndTime", kT0}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "InvalidTimeRangeException");
  for (int n : {0, 51}) {
    r = lookup(kA, json::object{{"MaxResults", n}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "InvalidMaxResultsException");
  }
  EXPECT_TRUE(lookup(kA, json::object{{"StartTime", kT0}, {"EndTime", kT0}}));
  auto insight = lookup(kA, json::object{{"EventCategory", "insight"}});
  ASSERT_TRUE(insight);
}

TEST_P(TrailTest, EveryRecipientGetsItsOwnCopy) {
  Principal role;
  role.type = PrincipalType::AssumedRole;
  role.account_id = kA;
  role.user_name = "ops";
  role.user_id = "AROAOPS:ops";
  role.arn = "arn:aws:sts::" + kA + ":assumed-role/Ops/ops";
  role.role_name = "Ops";
  role.access_key_id = "ASIAOPS0000000000001";
  role.temporary = true;
  record(role, "sts", "AssumeRoot", kT0, {}, {kB, kA});
  auto a = lookup(kA, {});
  auto b = lookup(kB, {});
  ASSERT_EQ(a->at("Events").as_array().size(), 1u);  // the repeated recipient is not stored twice
  ASSERT_EQ(b->at("Events").as_array().size(), 1u);
  auto ra = json::parse(a->at("Events").as_array()[0].at("CloudTrailEvent").as_string());
  auto rb = json::parse(b->at("Events").as_array()[0].at("CloudTrailEvent").as_string());
  EXPECT_EQ(ra.at("recipientAccountId").as_string(), kA);
  EXPECT_EQ(rb.at("recipientAccountId").as_string(), kB);
  EXPECT_NE(ra.at("eventID"), rb.at("eventID"));
  EXPECT_EQ(ra.at("sharedEventID"), rb.at("sharedEventID"));
  EXPECT_EQ(b->at("Events").as_array()[0].at("Username"), "ops");
}

TEST_P(TrailTest, AnonymousWithoutOwnerIsNotStored) {
  record(Principal{}, "s3", "GetObject", kT0);
  EXPECT_EQ(events.count(), 0u);
  // With the bucket owner as recipient it is.
  AuditCall c;
  c.event_time = kT0;
  c.service = "s3";
  c.operation = "GetObject";
  c.recipient_accounts = {kB};
  events.record(c);
  auto b = lookup(kB, {});
  ASSERT_EQ(b->at("Events").as_array().size(), 1u);
  EXPECT_FALSE(b->at("Events").as_array()[0].as_object().contains("Username"));
  auto rec = json::parse(b->at("Events").as_array()[0].at("CloudTrailEvent").as_string());
  EXPECT_EQ(rec.at("userIdentity").at("accountId"), "ANONYMOUS_PRINCIPAL");
}

TEST_P(TrailTest, SessionCreationDateComesFromTheSessionRecord) {
  store::SessionRecord s;
  s.access_key_id = "ASIAROOTSESSION00001";
  s.secret = "secretsecretsecretsecretsecretsecret0000";
  s.session_token = "tok";
  s.account_id = kB;
  s.created_at = kT0 - 60;
  s.expiration = kT0 + 840;
  identity.put_session(s);
  Principal root;
  root.type = PrincipalType::Root;
  root.account_id = kB;
  root.arn = "arn:aws:iam::" + kB + ":root";
  root.access_key_id = s.access_key_id;
  root.temporary = true;
  root.session_issuer = "AssumeRoot";
  record(root, "iam", "DeleteLoginProfile", kT0);
  auto b = lookup(kB, attr("AccessKeyId", s.access_key_id));
  ASSERT_EQ(b->at("Events").as_array().size(), 1u);
  auto rec = json::parse(b->at("Events").as_array()[0].at("CloudTrailEvent").as_string());
  const auto& sc = rec.at("userIdentity").at("sessionContext");
  EXPECT_EQ(sc.at("attributes").at("creationDate"), "2025-10-09T08:52:20Z");
  EXPECT_EQ(sc.at("assumedRoot"), "true");
  EXPECT_EQ(b->at("Events").as_array()[0].at("Username"), "root");
  // The secret of the session is in no record.
  EventQuery all;
  all.account_id = kB;
  all.limit = 1000;
  for (const auto& e : events.lookup(all)) EXPECT_EQ(e.record.find("secretsecret"), std::string::npos);
}

TEST(TrailReopen, SurvivesReopen) {
  const std::string path = ::testing::TempDir() + "/cloudtrail_reopen_test.db";
  std::remove(path.c_str());
  {
    store::Db file(path);
    EventStore s(file, nullptr);
    AuditCall c;
    c.event_time = kT0;
    c.service = "iam";
    c.operation = "CreateRole";
    c.principal = user(kA, "alice", "AKIAALICE00000000001");
    c.recipient_accounts = {kA};
    s.record(c);
  }
  store::Db file(path);
  EventStore s(file, nullptr);
  EventQuery q;
  q.account_id = kA;
  auto rows = s.lookup(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].event_name, "CreateRole");
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Storages, TrailTest, ::testing::Values(TrailStorage::Database, TrailStorage::Memory),
                         [](const auto& info) { return info.param == TrailStorage::Database ? "Database" : "Memory"; });

}  // namespace
}  // namespace orgroot::services::cloudtrail
