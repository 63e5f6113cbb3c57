// The CloudTrail record built from one AuditCall: userIdentity per principal type, secrets,
// readOnly, request parameters and response elements.
#include "services/cloudtrail/event_record.h"

#include <gtest/gtest.h>

namespace orgroot::services::cloudtrail {
namespace {

namespace json = boost::json;
using auth::Principal;
using auth::PrincipalType;

constexpr double kT = 1729889531;  // 2024-10-25T20:52:11Z

Principal iam_user() {
  Principal p;
  p.type = PrincipalType::IamUser;
  p.account_id = "111111111111";
  p.arn = "arn:aws:iam::111111111111:user/alice";
  p.user_id = "AIDAEXAMPLEEXAMPLE01";
  p.user_name = "alice";
  p.access_key_id = "AKIAEXAMPLEEXAMPLE01";
  return p;
}

Principal role_session() {
  Principal p;
  p.type = PrincipalType::AssumedRole;
  p.account_id = "111111111111";
  p.arn = "arn:aws:sts::111111111111:assumed-role/Admin/JohnRole1";
  p.user_id = "AROAEXAMPLEEXAMPLE01:JohnRole1";
  p.user_name = "JohnRole1";
  p.access_key_id = "ASIAEXAMPLEEXAMPLE01";
  p.temporary = true;
  p.session_issuer = "AssumeRole";
  p.role_arn = "arn:aws:iam::111111111111:role/Admin";
  p.role_id = "AROAEXAMPLEEXAMPLE01";
  p.role_name = "Admin";
  p.source_identity = "Alice";
  return p;
}

Principal root_key() {
  Principal p;
  p.type = PrincipalType::Root;
  p.account_id = "222222222222";
  p.arn = "arn:aws:iam::222222222222:root";
  p.user_id = "222222222222";
  p.access_key_id = "AKIAROOTEXAMPLE00001";
  return p;
}

Principal root_session() {
  Principal p = root_key();
  p.access_key_id = "ASIAROOTSESSION00001";
  p.temporary = true;
  p.session_issuer = "AssumeRoot";
  p.task_policy_arn = "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy";
  return p;
}

AuditCall call_of(Principal p, std::string service, std::string op) {
  AuditCall c;
  c.request_id = "req-1";
  c.event_time = kT + 0.75;
  c.service = std::move(service);
  c.operation = std::move(op);
  c.region = "us-west-2";
  c.source_ip = "192.0.2.1";
  c.user_agent = "aws-cli/2.0";
  c.host = "localhost:4566";
  c.principal = std::move(p);
  c.recipient_accounts.push_back(c.principal.account_id);
  return c;
}

json::object record_of(const AuditCall& c, double session_created = 0) {
  RecordInput in{&c, "evt-1", c.recipient_accounts.empty() ? "" : c.recipient_accounts[0], "", session_created};
  return build_record(in);
}

TEST(UserIdentity, IamUserLongTermKey) {
  auto u = user_identity(iam_user(), 0);
  EXPECT_EQ(json::serialize(u),
            R"({"type":"IAMUser","principalId":"AIDAEXAMPLEEXAMPLE01","arn":"arn:aws:iam::111111111111:user/alice",)"
            R"("accountId":"111111111111","accessKeyId":"AKIAEXAMPLEEXAMPLE01","userName":"alice"})");
}

TEST(UserIdentity, IamUserSessionHasAttributes) {
  auto p = iam_user();
  p.temporary = true;
  p.mfa_authenticated = true;
  auto u = user_identity(p, kT);
  EXPECT_EQ(json::serialize(u.at("sessionContext")),
            R"({"attributes":{"creationDate":"2024-10-25T20:52:11Z","mfaAuthenticated":"true"}})");
}

TEST(UserIdentity, RoleSession) {
  auto u = user_identity(role_session(), kT);
  EXPECT_EQ(u.at("type"), "AssumedRole");
  EXPECT_EQ(u.at("principalId"), "AROAEXAMPLEEXAMPLE01:JohnRole1");
  EXPECT_EQ(u.at("arn"), "arn:aws:sts::111111111111:assumed-role/Admin/JohnRole1");
  EXPECT_EQ(u.at("accessKeyId"), "ASIAEXAMPLEEXAMPLE01");
  EXPECT_FALSE(u.contains("userName"));
  const auto& sc = u.at("sessionContext").as_object();
  EXPECT_EQ(json::serialize(sc.at("sessionIssuer")),
            R"({"type":"Role","principalId":"AROAEXAMPLEEXAMPLE01","arn":"arn:aws:iam::111111111111:role/Admin",)"
            R"("accountId":"111111111111","userName":"Admin"})");
  EXPECT_EQ(json::serialize(sc.at("attributes")),
            R"({"creationDate":"2024-10-25T20:52:11Z","mfaAuthenticated":"false"})");
  EXPECT_EQ(sc.at("sourceIdentity"), "Alice");
  EXPECT_FALSE(sc.contains("assumedRoot"));
}

TEST(UserIdentity, RootLongTermKeyHasNoSessionContext) {
  auto u = user_identity(root_key(), 0);
  EXPECT_EQ(json::serialize(u), R"({"type":"Root","principalId":"222222222222","arn":"arn:aws:iam::222222222222:root",)"
                                R"("accountId":"222222222222","accessKeyId":"AKIAROOTEXAMPLE00001"})");
}

TEST(UserIdentity, RootSessionFromAssumeRootIsMarked) {
  auto u = user_identity(root_session(), kT);
  EXPECT_EQ(u.at("type"), "Root");
  EXPECT_EQ(u.at("principalId"), "222222222222");
  EXPECT_EQ(u.at("accessKeyId"), "ASIAROOTSESSION00001");
  EXPECT_FALSE(u.contains("userName"));
  const auto& sc = u.at("sessionContext").as_object();
  EXPECT_FALSE(sc.contains("sessionIssuer"));
  EXPECT_EQ(sc.at("assumedRoot"), "true");
  EXPECT_EQ(sc.at("attributes").at("creationDate"), "2024-10-25T20:52:11Z");
}

TEST(UserIdentity, RootConsoleSessionIsNotAssumedRoot) {
  auto p = root_session();
  p.session_issuer = "ConsoleSignIn";
  auto u = user_identity(p, kT);
  EXPECT_FALSE(u.at("sessionContext").as_object().contains("assumedRoot"));
}

TEST(UserIdentity, AnonymousS3) {
  Principal p;  // Anonymous
  EXPECT_EQ(json::serialize(user_identity(p, 0)),
            R"({"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"})");
}

TEST(ReadOnly, ClassifiesByVerb) {
  for (auto op : {"GetCallerIdentity", "ListUsers", "DescribeOrganization", "HeadBucket", "LookupEvents",
                  "GetSessionToken"})
    EXPECT_TRUE(is_read_only(op)) << op;
  for (auto op : {"AssumeRoot", "CreateUser", "DeleteBucketPolicy", "PutObject", "SetQueueAttributes", "Getaway"})
    EXPECT_EQ(is_read_only(op), std::string_view(op) == "Getaway") << op;
}

TEST(Record, EnvelopeFields) {
  auto c = call_of(iam_user(), "iam", "CreateUser");
  c.params["UserName"] = "bob";
  auto r = record_of(c);
  EXPECT_EQ(r.at("eventVersion"), "1.10");
  EXPECT_EQ(r.at("eventTime"), "2024-10-25T20:52:11Z");
  EXPECT_EQ(r.at("eventSource"), "iam.amazonaws.com");
  EXPECT_EQ(r.at("eventName"), "CreateUser");
  EXPECT_EQ(r.at("awsRegion"), "us-west-2");
  EXPECT_EQ(r.at("sourceIPAddress"), "192.0.2.1");
  EXPECT_EQ(r.at("userAgent"), "aws-cli/2.0");
  EXPECT_EQ(json::serialize(r.at("requestParameters")), R"({"userName":"bob"})");
  EXPECT_EQ(r.at("requestID"), "req-1");
  EXPECT_EQ(r.at("eventID"), "evt-1");
  EXPECT_EQ(r.at("readOnly"), false);
  EXPECT_EQ(r.at("eventType"), "AwsApiCall");
  EXPECT_EQ(r.at("managementEvent"), true);
  EXPECT_EQ(r.at("recipientAccountId"), "111111111111");
  EXPECT_EQ(r.at("eventCategory"), "Management");
  EXPECT_FALSE(r.contains("tlsDetails"));
  EXPECT_FALSE(r.contains("errorCode"));
  EXPECT_FALSE(r.contains("sharedEventID"));
}

TEST(Record, TlsDetailsWhenSecure) {
  auto c = call_of(iam_user(), "sts", "GetCallerIdentity");
  c.secure_transport = true;
  auto r = record_of(c);
  EXPECT_EQ(r.at("tlsDetails").at("clientProvidedHostHeader"), "localhost:4566");
  EXPECT_TRUE(r.at("requestParameters").is_null());
  EXPECT_TRUE(r.at("responseElements").is_null());
  EXPECT_EQ(r.at("readOnly"), true);
}

TEST(Record, FailureCarriesErrorCodeAndMessage) {
  auto c = call_of(iam_user(), "iam", "CreateUser");
  c.error_code = "AccessDenied";
  c.error_message = "User: x is not authorized";
  auto r = record_of(c);
  EXPECT_EQ(r.at("errorCode"), "AccessDenied");
  EXPECT_EQ(r.at("errorMessage"), "User: x is not authorized");
  EXPECT_TRUE(r.at("responseElements").is_null());
}

TEST(Record, SecretsNeverAppear) {
  auto c = call_of(iam_user(), "iam", "CreateLoginProfile");
  c.params["UserName"] = "bob";
  c.params["Password"] = "Sup3rSecret!Pass";
  c.params["PasswordResetRequired"] = true;
  auto c2 = call_of(iam_user(), "iam", "ChangePassword");
  c2.params["OldPassword"] = "OldS3cret!";
  c2.params["NewPassword"] = "NewS3cret!";
  auto c3 = call_of(iam_user(), "iam", "CreateAccessKey");
  c3.result = json::object{{"AccessKey", json::object{{"UserName", "bob"},
                                                      {"AccessKeyId", "AKIANEWKEY0000000001"},
                                                      {"Status", "Active"},
                                                      {"SecretAccessKey", "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY0001"},
                                                      {"CreateDate", kT}}}};
  for (const auto* call : {&c, &c2, &c3}) {
    const std::string text = json::serialize(record_of(*call));
    EXPECT_EQ(text.find("assword\":"), std::string::npos) << text;
    EXPECT_EQ(text.find("S3cret"), std::string::npos) << text;
    EXPECT_EQ(text.find("Sup3rSecret"), std::string::npos) << text;
    EXPECT_EQ(text.find("wJalrXUtnFEMI"), std::string::npos) << text;
    EXPECT_EQ(text.find("ecretAccessKey"), std::string::npos) << text;
  }
  auto r = record_of(c);
  EXPECT_EQ(json::serialize(r.at("requestParameters")), R"({"userName":"bob","passwordResetRequired":true})");
  auto r3 = record_of(c3);
  EXPECT_EQ(json::serialize(r3.at("responseElements")),
            R"({"accessKey":{"userName":"bob","accessKeyId":"AKIANEWKEY0000000001","status":"Active",)"
            R"("createDate":"Oct 25, 2024, 8:52:11 PM"}})");
}

TEST(Record, AssumeRootCallerSide) {
  auto c = call_of(role_session(), "sts", "AssumeRoot");
  c.params["TargetPrincipal"] = "222222222222";
  c.params["TaskPolicyArn"] = json::object{{"Arn", "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"}};
  c.params["DurationSeconds"] = 900;
  c.result = json::object{{"Credentials", json::object{{"AccessKeyId", "ASIAROOTSESSION00001"},
                                                       {"SecretAccessKey", "TOPSECRETTOPSECRETTOPSECRETTOPSECRET0000"},
                                                       {"SessionToken", "tok"},
                                                       {"Expiration", 1729890431.0}}},
                          {"SourceIdentity", "Alice"}};
  auto r = record_of(c, kT - 400);
  EXPECT_EQ(json::serialize(r.at("requestParameters")),
            R"({"targetPrincipal":"222222222222","taskPolicyArn":{"arn":"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"},"durationSeconds":900})");
  EXPECT_EQ(json::serialize(r.at("responseElements")),
            R"({"credentials":{"accessKeyId":"ASIAROOTSESSION00001","sessionToken":"tok","expiration":"Oct 25, 2024, 9:07:11 PM"},"sourceIdentity":"Alice"})");
  EXPECT_EQ(r.at("readOnly"), false);
  EXPECT_EQ(json::serialize(r.at("resources")),
            R"([{"accountId":"222222222222","type":"AWS::IAM::Root","ARN":"arn:aws:iam::222222222222:root"}])");
  EXPECT_EQ(json::serialize(r).find("TOPSECRET"), std::string::npos);
}

TEST(Record, RootSessionTargetSideS3) {
  auto c = call_of(root_session(), "s3", "DeleteBucketPolicy");
  c.params["Bucket"] = "locked";
  c.resources.push_back({"222222222222", "AWS::S3::Bucket", "arn:aws:s3:::locked"});
  c.secure_transport = true;
  c.host = "locked.s3.amazonaws.com";
  auto r = record_of(c, kT);
  EXPECT_EQ(json::serialize(r.at("requestParameters")),
            R"({"bucketName":"locked","Host":"locked.s3.amazonaws.com"})");
  EXPECT_EQ(r.at("userIdentity").at("sessionContext").at("assumedRoot"), "true");
  EXPECT_EQ(json::serialize(r.at("resources")),
            R"([{"accountId":"222222222222","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::locked"}])");
}

TEST(Record, MapKeysKeepTheirSpellingAndBlobsAreDropped) {
  auto c = call_of(iam_user(), "sqs", "SetQueueAttributes");
  c.params["QueueUrl"] = "http://q";
  c.params["Attributes"] = json::object{{"Policy", "{}"}, {"VisibilityTimeout", "30"}};
  auto c2 = call_of(iam_user(), "s3", "PutObject");
  c2.params["Bucket"] = "b";
  c2.params["Key"] = "k";
  c2.params["Body"] = std::string("\xff\xfe\x00secret-bytes", 15);
  c2.params["ContentType"] = std::string("\xff\xfe", 2);
  EXPECT_EQ(json::serialize(record_of(c).at("requestParameters")),
            R"({"queueUrl":"http://q","attributes":{"Policy":"{}","VisibilityTimeout":"30"}})");
  auto text = json::serialize(record_of(c2).at("requestParameters"));
  EXPECT_EQ(text.find("secret-bytes"), std::string::npos);
  EXPECT_NE(text.find(R"("contentType":"HIDDEN_DUE_TO_SECURITY_REASONS")"), std::string::npos) << text;
}

// The trail keeps calls with what no record shows dropped: the records built from them are the
// same, and the kept call holds no secret, no object content and no unshown result.
TEST(Record, KeptCallsHoldOnlyWhatRecordsShow) {
  std::vector<AuditCall> calls;
  auto login = call_of(iam_user(), "iam", "CreateLoginProfile");
  login.params["UserName"] = "bob";
  login.params["Password"] = "Sup3rSecret!Pass";
  calls.push_back(login);
  auto key = call_of(iam_user(), "iam", "CreateAccessKey");
  key.result = json::object{{"AccessKey", json::object{{"UserName", "bob"}, {"AccessKeyId", "AKIANEWKEY0000000001"},
                                                       {"SecretAccessKey", "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY0001"},
                                                       {"CreateDate", kT}}}};
  calls.push_back(key);
  auto put = call_of(iam_user(), "s3", "PutObject");
  put.params["Bucket"] = "b";
  put.params["Key"] = "k";
  put.params["Body"] = std::string(100000, 'x');
  put.params["Metadata"] = json::object{{"Password", "a map key, not a member"}};
  calls.push_back(put);
  auto get = call_of(iam_user(), "s3", "GetObject");
  get.params["Bucket"] = "b";
  get.result = json::object{{"Body", std::string(100000, 'y')}, {"ContentLength", 100000}};
  calls.push_back(get);
  auto tags = call_of(iam_user(), "iam", "TagUser");
  tags.params["Tags"] = json::array{json::object{{"Key", "Password"}, {"Value", "v"}}};
  tags.params["PrivateKey"] = "-----BEGIN";
  calls.push_back(tags);
  auto creds = call_of(role_session(), "sts", "AssumeRole");
  creds.result = json::object{{"Credentials", json::object{{"AccessKeyId", "ASIAEXAMPLE000000001"},
                                                           {"SecretAccessKey", "secret"},
                                                           {"SessionToken", "token"},
                                                           {"Expiration", kT}}}};
  calls.push_back(creds);
  auto signin = call_of(root_key(), "signin", "ConsoleLogin");
  signin.result = json::object{{"ConsoleLogin", "Success"}};
  calls.push_back(signin);

  for (auto& c : calls) {
    SCOPED_TRACE(c.operation);
    const std::string before = json::serialize(record_of(c));
    AuditCall kept = c;
    keep_what_records_show(kept);
    EXPECT_EQ(json::serialize(record_of(kept)), before);
    const std::string held = json::serialize(kept.params) + json::serialize(kept.result);
    for (const char* gone : {"Sup3rSecret", "wJalrXUtnFEMI", "xxxxxxxxxx", "yyyyyyyyyy", "-----BEGIN", "\"secret\""})
      EXPECT_EQ(held.find(gone), std::string::npos) << held.substr(0, 200);
  }
  // Map keys keep their values; results no record shows are not kept; those it shows are.
  EXPECT_NE(json::serialize(calls[2].params).find("a map key"), std::string::npos);
  AuditCall get_kept = calls[3];
  keep_what_records_show(get_kept);
  EXPECT_TRUE(get_kept.result.is_null());
  AuditCall creds_kept = calls[5];
  keep_what_records_show(creds_kept);
  EXPECT_TRUE(creds_kept.result.at("Credentials").as_object().contains("SessionToken"));
  AuditCall signin_kept = calls[6];
  keep_what_records_show(signin_kept);
  EXPECT_EQ(json::serialize(signin_kept.result), R"({"ConsoleLogin":"Success"})");
}

TEST(Record, LongStringsAreCheckedForUtf8PastTheirAsciiStart) {
  auto c = call_of(iam_user(), "sqs", "SetQueueAttributes");
  c.params["QueueUrl"] = "http://a-long-ascii-prefix/caf\xc3\xa9/\xe2\x82\xac";            // valid UTF-8 after 8+ bytes
  c.params["Label"] = std::string("a long ascii prefix then \xff\xfe bytes", 38);  // invalid after 8+ bytes
  c.params["Tail"] = std::string("12345678\xc3", 9);                                // cut short at the end
  auto params = record_of(c).at("requestParameters").as_object();
  EXPECT_EQ(params.at("queueUrl").as_string(), "http://a-long-ascii-prefix/caf\xc3\xa9/\xe2\x82\xac");
  EXPECT_EQ(params.at("label").as_string(), "HIDDEN_DUE_TO_SECURITY_REASONS");
  EXPECT_EQ(params.at("tail").as_string(), "HIDDEN_DUE_TO_SECURITY_REASONS");
}

TEST(Record, ConsoleSignInEvents) {
  auto c = call_of(root_key(), "signin", "ConsoleLogin");
  c.params["MFAUsed"] = "Yes";
  auto r = record_of(c);
  EXPECT_EQ(r.at("eventType"), "AwsConsoleSignIn");
  EXPECT_EQ(r.at("eventSource"), "signin.amazonaws.com");
  EXPECT_TRUE(r.at("requestParameters").is_null());
  EXPECT_EQ(json::serialize(r.at("responseElements")), R"({"ConsoleLogin":"Success"})");
  EXPECT_EQ(json::serialize(r.at("additionalEventData")), R"({"MFAUsed":"Yes"})");
  c.error_code = "Failed authentication";
  EXPECT_EQ(json::serialize(record_of(c).at("responseElements")), R"({"ConsoleLogin":"Failure"})");
  EXPECT_EQ(event_type("signin", "PasswordRecoveryRequested"), "AwsConsoleSignIn");
  EXPECT_EQ(event_type("signin", "PasswordRecoveryCompleted"), "AwsConsoleSignIn");
}

TEST(Record, RootSignInFailureAndRecovery) {
  // What services/rootuser records: a Root identity without a key, a failure message without a
  // code, and its own additionalEventData.
  Principal root;
  root.type = PrincipalType::Root;
  root.account_id = "222222222222";
  root.arn = "arn:aws:iam::222222222222:root";
  root.user_id = "222222222222";
  auto c = call_of(root, "signin", "ConsoleLogin");
  c.event_type = "AwsConsoleSignIn";
  c.error_message = "Failed authentication";
  c.additional_event_data = {{"LoginTo", "http://localhost/_orgroot/console/"}, {"MFAUsed", "No"}};
  c.params["Ignored"] = "x";
  auto r = record_of(c);
  EXPECT_FALSE(r.contains("errorCode"));
  EXPECT_EQ(r.at("errorMessage"), "Failed authentication");
  EXPECT_EQ(json::serialize(r.at("responseElements")), R"({"ConsoleLogin":"Failure"})");
  EXPECT_EQ(json::serialize(r.at("additionalEventData")),
            R"({"LoginTo":"http://localhost/_orgroot/console/","MFAUsed":"No"})");
  EXPECT_EQ(json::serialize(r.at("userIdentity")),
            R"({"type":"Root","principalId":"222222222222","arn":"arn:aws:iam::222222222222:root",)"
            R"("accountId":"222222222222"})");
  EXPECT_EQ(r.at("eventType"), "AwsConsoleSignIn");
  EXPECT_EQ(r.at("readOnly"), false);
  EXPECT_FALSE(r.contains("resources"));

  auto asked = call_of(root, "signin", "PasswordRecoveryRequested");
  asked.event_type = "AwsConsoleSignIn";
  auto a = record_of(asked);
  EXPECT_EQ(json::serialize(a.at("responseElements")), R"({"PasswordRecoveryRequested":"Success"})");
  EXPECT_FALSE(a.contains("errorMessage"));
  EXPECT_FALSE(a.contains("additionalEventData"));
  EXPECT_EQ(event_type(asked), "AwsConsoleSignIn");
  // An explicit event type wins over the derived one; without one, API calls stay AwsApiCall.
  auto api = call_of(root, "iam", "CreateAccessKey");
  EXPECT_EQ(event_type(api), "AwsApiCall");
  api.event_type = "AwsConsoleSignIn";
  EXPECT_EQ(event_type(api), "AwsConsoleSignIn");
}

TEST(Format, StsExpirationAndResourceNames) {
  EXPECT_EQ(sts_expiration(1729890431), "Oct 25, 2024, 9:07:11 PM");
  EXPECT_EQ(sts_expiration(1704067200), "Jan 1, 2024, 12:00:00 AM");
  EXPECT_EQ(sts_expiration(1704110400), "Jan 1, 2024, 12:00:00 PM");
  EXPECT_EQ(resource_name("arn:aws:s3:::bucket"), "bucket");
  EXPECT_EQ(resource_name("arn:aws:iam::111111111111:user/path/bob"), "bob");
  EXPECT_EQ(resource_name("arn:aws:iam::222222222222:root"), "arn:aws:iam::222222222222:root");
  EXPECT_EQ(resource_name("not-an-arn"), "not-an-arn");
}

TEST(Username, PerPrincipalType) {
  EXPECT_EQ(lookup_username(iam_user()), "alice");
  EXPECT_EQ(lookup_username(role_session()), "JohnRole1");
  EXPECT_EQ(lookup_username(root_key()), "root");
  EXPECT_EQ(lookup_username(root_session()), "root");
  EXPECT_EQ(lookup_username(Principal{}), "");
}

}  // namespace
}  // namespace orgroot::services::cloudtrail

namespace orgroot::services::cloudtrail {
namespace {
TEST(Resources, InferredWhenTheServiceGaveNone) {
  auto c = call_of(iam_user(), "iam", "CreateUser");
  c.params["UserName"] = "bob";
  auto r = record_resources(c);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, "AWS::IAM::User");
  EXPECT_EQ(r[0].arn, "arn:aws:iam::111111111111:user/bob");
  auto q = call_of(iam_user(), "sqs", "SetQueueAttributes");
  q.params["QueueUrl"] = "http://localhost/111111111111/jobs";
  ASSERT_EQ(record_resources(q).size(), 1u);
  EXPECT_EQ(record_resources(q)[0].arn, "arn:aws:sqs:us-west-2:111111111111:jobs");
  auto hinted = call_of(iam_user(), "s3", "PutBucketPolicy");
  hinted.params["Bucket"] = "a";
  hinted.resources.push_back({"999999999999", "AWS::S3::Bucket", "arn:aws:s3:::a"});
  EXPECT_EQ(record_resources(hinted)[0].account_id, "999999999999");
  EXPECT_TRUE(record_resources(call_of(iam_user(), "sts", "GetCallerIdentity")).empty());
}
}  // namespace
}  // namespace orgroot::services::cloudtrail
