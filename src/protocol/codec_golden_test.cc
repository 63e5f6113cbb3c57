// Our own golden files for the query/json codecs on the real service models:
//   tests/data/protocol/*.http                  responses and error envelopes, byte for byte
//   tests/data/protocol/validation_cases.json   requests and the validation message they produce
// Regenerate the .http files with ORGROOT_UPDATE_GOLDENS=1 (then review the diff).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "protocol/codec.h"
#include "protocol/codec_test_util.h"

namespace orgroot::protocol {
namespace {

namespace json = boost::json;

const std::string kGoldenDir = std::string(ORGROOT_OWN_TESTDATA_DIR) + "/protocol/";

const ModelRegistry& registry() {
  static ModelRegistry* reg = [] {
    auto r = ModelRegistry::load_dir(std::string(ORGROOT_SOURCE_DIR) + "/data/models");
    if (!r.ok()) {
      ADD_FAILURE() << r.error().message;
      return new ModelRegistry();
    }
    return new ModelRegistry(std::move(r).value());
  }();
  return *reg;
}

const ServiceModel& model(const char* name) {
  const ServiceModel* m = registry().by_name(name);
  if (!m) throw std::runtime_error(std::string("no model ") + name);
  return *m;
}

const Operation& op(const char* service, const char* name) {
  const Operation* o = model(service).find_operation(name);
  if (!o) throw std::runtime_error(std::string("no operation ") + name);
  return *o;
}

std::string render(const HttpResponse& r) {
  std::string s = "HTTP " + std::to_string(r.status) + "\n";
  for (const auto& h : r.headers) s += h.name + ": " + h.value + "\n";
  s += "\n" + r.body + "\n";
  return s;
}

void check_golden(const std::string& name, const HttpResponse& resp) {
  std::string path = kGoldenDir + name + ".http";
  std::string got = render(resp);
  if (std::getenv("ORGROOT_UPDATE_GOLDENS")) {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  std::string want = testing::read_text_file(path);
  EXPECT_EQ(got, want) << "golden " << path << " differs (ORGROOT_UPDATE_GOLDENS=1 rewrites it)";
}

HttpRequest form_post(std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  r.body = std::move(body);
  return r;
}

HttpRequest json_post(const ServiceModel& m, std::string target, std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers.push_back({"Content-Type", "application/x-amz-json-" + m.json_version});
  r.headers.push_back({"X-Amz-Target", std::move(target)});
  r.body = std::move(body);
  return r;
}

constexpr const char* kRid = "c6104cbe-af31-11e0-8154-cbc7ccf896c7";

// ------------------------------------------------------------------ responses

TEST(CodecGoldenQuery, StsGetCallerIdentity) {
  // Keys deliberately out of model order: the encoder writes model order (UserId, Account, Arn).
  json::value result = {{"Arn", "arn:aws:iam::111111111111:user/alice"},
                        {"Account", "111111111111"},
                        {"UserId", "AIDAEXAMPLEUSERID1234"},
                        {"NotInTheModel", "never sent"}};
  auto resp = encode_query_result(model("sts"), op("sts", "GetCallerIdentity"), result, kRid);
  check_golden("sts_get_caller_identity", resp);
  auto back = testing::parse_query_result(op("sts", "GetCallerIdentity"), resp.body);
  EXPECT_EQ(back.at("Account"), "111111111111");
  EXPECT_FALSE(back.as_object().contains("NotInTheModel"));
}

TEST(CodecGoldenQuery, StsGetSessionToken) {
  json::value result = {{"Credentials",
                         {{"AccessKeyId", "ASIAEXAMPLEKEYID1234"},
                          {"SecretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"},
                          {"SessionToken", "IQoJb3JpZ2luX2VjEXAMPLE+token/with&special<chars>"},
                          {"Expiration", 1789178199.0}}}};
  auto resp = encode_query_result(model("sts"), op("sts", "GetSessionToken"), result, kRid);
  check_golden("sts_get_session_token", resp);
  EXPECT_NE(resp.body.find("<Expiration>2026-09-12T01:56:39Z</Expiration>"), std::string::npos);
  auto back = testing::parse_query_result(op("sts", "GetSessionToken"), resp.body);
  std::string why;
  EXPECT_TRUE(testing::same(back, testing::normalize(*op("sts", "GetSessionToken").output, result), why)) << why;
}

TEST(CodecGoldenQuery, StsAssumeRootWithFractionalExpiration) {
  json::value result = {{"Credentials",
                         {{"AccessKeyId", "ASIAEXAMPLEKEYID5678"},
                          {"SecretAccessKey", "secret"},
                          {"SessionToken", "token"},
                          {"Expiration", 1789178199.5}}},
                        {"SourceIdentity", "alice"}};
  auto resp = encode_query_result(model("sts"), op("sts", "AssumeRoot"), result, kRid);
  check_golden("sts_assume_root", resp);
  EXPECT_NE(resp.body.find("<Expiration>2026-09-12T01:56:39.500Z</Expiration>"), std::string::npos);
}

TEST(CodecGoldenQuery, IamListsMapsAndEmptyResults) {
  auto lists = encode_query_result(model("iam"), op("iam", "ListOrganizationsFeatures"),
                                   {{"OrganizationId", "o-aa111bb222"},
                                    {"EnabledFeatures", {"RootSessions", "RootCredentialsManagement"}}},
                                   kRid);
  check_golden("iam_list_organizations_features", lists);
  auto empty = encode_query_result(model("iam"), op("iam", "DisableOrganizationsRootSessions"),
                                   {{"OrganizationId", "o-aa111bb222"}, {"EnabledFeatures", json::array()}}, kRid);
  check_golden("iam_disable_organizations_root_sessions_empty_list", empty);
  auto map = encode_query_result(model("iam"), op("iam", "GetAccountSummary"),
                                 {{"SummaryMap", {{"AccountMFAEnabled", 0}, {"AccountAccessKeysPresent", 0}, {"Users", 3}}}},
                                 kRid);
  check_golden("iam_get_account_summary", map);
  auto no_output = encode_query_result(model("iam"), op("iam", "DeleteUser"), json::object(), kRid);
  check_golden("iam_delete_user_no_output", no_output);
  auto back = testing::parse_query_result(op("iam", "GetAccountSummary"), map.body);
  EXPECT_EQ(back.at("SummaryMap").at("Users"), 3);
}

TEST(CodecGoldenJson, OrganizationsDescribeOrganization) {
  json::value result = {{"Organization",
                         {{"Id", "o-aa111bb222"},
                          {"Arn", "arn:aws:organizations::111111111111:organization/o-aa111bb222"},
                          {"FeatureSet", "ALL"},
                          {"MasterAccountArn", "arn:aws:organizations::111111111111:account/o-aa111bb222/111111111111"},
                          {"MasterAccountId", "111111111111"},
                          {"MasterAccountEmail", "root@example.com"},
                          {"AvailablePolicyTypes", {{{"Type", "SERVICE_CONTROL_POLICY"}, {"Status", "ENABLED"}}}}}}};
  auto resp = encode_json_result(model("organizations"), op("organizations", "DescribeOrganization"), result, kRid);
  check_golden("organizations_describe_organization", resp);
  std::string why;
  EXPECT_TRUE(testing::same(testing::parse_json_result(op("organizations", "DescribeOrganization"), resp.body), result, why))
      << why;
}

TEST(CodecGoldenJson, CloudTrailTimestampsAreEpochSeconds) {
  json::value result = {{"Events",
                         {{{"EventId", "e1"},
                           {"EventName", "AssumeRoot"},
                           {"EventTime", 1789178199.0},
                           {"CloudTrailEvent", "{\"eventVersion\":\"1.09\"}"}}}}};
  auto resp = encode_json_result(model("cloudtrail"), op("cloudtrail", "LookupEvents"), result, kRid);
  check_golden("cloudtrail_lookup_events", resp);
  EXPECT_NE(resp.body.find("\"EventTime\":1789178199"), std::string::npos);
}

// ------------------------------------------------------------------ error envelopes

TEST(CodecGoldenErrors, Query) {
  auto e1 = encode_query_error(model("iam"),
                               AwsError("ServiceAccessNotEnabledException",
                                        "Trusted Access for IAM not enabled by organization of input account 111111111111."),
                               kRid);
  check_golden("iam_error_service_access_not_enabled", e1);
  auto e2 = encode_query_error(model("sts"),
                               AwsError::AccessDenied("User: arn:aws:iam::222222222222:user/bob is not authorized to "
                                                      "perform: sts:AssumeRoot on resource: arn:aws:iam::111111111111:root"),
                               kRid);
  check_golden("sts_error_access_denied", e2);
  EXPECT_EQ(e2.status, 403);
  auto e3 = encode_query_error(model("sts"), AwsError::InternalFailure(), kRid);
  check_golden("sts_error_internal_failure", e3);
  EXPECT_NE(e3.body.find("<Type>Receiver</Type>"), std::string::npos);
}

TEST(CodecGoldenErrors, Json) {
  auto denied = encode_json_error(model("organizations"),
                                  AwsError("AccessDeniedException", "You don't have permissions to access this resource."),
                                  kRid);
  check_golden("organizations_error_access_denied", denied);
  auto cve = encode_json_error(
      model("organizations"),
      AwsError("ConstraintViolationException", "You cannot disable trusted access while a delegated administrator exists.")
          .with("Reason", "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE"),
      kRid);
  check_golden("organizations_error_constraint_violation", cve);
  // The legacy query code comes from data/models/query-compat/sqs.json when the error has none.
  AwsError nq("QueueDoesNotExist", "The specified queue does not exist.");
  auto sqs = encode_json_error(model("sqs"), nq, kRid);
  check_golden("sqs_error_queue_does_not_exist", sqs);
  ASSERT_NE(sqs.header("x-amzn-query-error"), nullptr);
  EXPECT_EQ(*sqs.header("x-amzn-query-error"), "AWS.SimpleQueueService.NonExistentQueue;Sender");
  // The same error on SQS's legacy query form carries the legacy code.
  auto legacy = encode_query_error(model("sqs"), nq, kRid);
  check_golden("sqs_query_error_queue_does_not_exist", legacy);
  // An explicit query_code wins.
  AwsError custom("QueueNameExists", "A queue already exists with the same name and a different value for attribute X");
  EXPECT_EQ(*encode_json_error(model("sqs"), custom, kRid).header("x-amzn-query-error"), "QueueAlreadyExists;Sender");
  custom.query_code = "Something.Else";
  EXPECT_EQ(*encode_json_error(model("sqs"), custom, kRid).header("x-amzn-query-error"), "Something.Else;Sender");
  EXPECT_NE(encode_query_error(model("sqs"), custom, kRid).body.find("<Code>Something.Else</Code>"), std::string::npos);
}

// ------------------------------------------------------------------ validation messages

TEST(CodecGoldenValidation, Messages) {
  json::value cases = testing::read_json_file(kGoldenDir + "validation_cases.json");
  ASSERT_GE(cases.as_array().size(), 15u);
  for (const auto& c : cases.as_array()) {
    std::string name(c.at("name").as_string());
    const ServiceModel& m = model(std::string(c.at("service").as_string()).c_str());
    Result<DecodedRequest> r = AwsError();
    if (auto* q = c.as_object().if_contains("query")) {
      r = decode_query(m, form_post(std::string(q->as_string())));
    } else {
      r = decode_json(m, json_post(m, std::string(c.at("target").as_string()), json::serialize(c.at("body"))));
    }
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().code, c.at("code").as_string()) << name;
    EXPECT_EQ(r.error().message, c.at("message").as_string()) << name;
    EXPECT_EQ(r.error().http_status, 400) << name;
  }
}

// ------------------------------------------------------------------ decoding on the real models

TEST(CodecQueryDecode, StsAssumeRootAndGet) {
  auto r = decode_query(model("sts"),
                        form_post("Action=AssumeRoot&Version=2011-06-15&TargetPrincipal=333333333333"
                                  "&TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FS3UnlockBucketPolicy"
                                  "&DurationSeconds=900"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->op->name, "AssumeRoot");
  EXPECT_EQ(json::serialize(r->params),
            R"({"TargetPrincipal":"333333333333","TaskPolicyArn":{"arn":"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy"},"DurationSeconds":900})");

  HttpRequest get;
  get.method = "GET";
  get.target = "/?Action=GetCallerIdentity&Version=2011-06-15";
  auto g = decode_query(model("sts"), get);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->op->name, "GetCallerIdentity");
  EXPECT_TRUE(g->params.empty());
}

TEST(CodecQueryDecode, ActionErrors) {
  auto missing = decode_query(model("iam"), form_post("Version=2010-05-08"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "MissingAction");
  auto unknown = decode_query(model("iam"), form_post("Action=MakeCoffee&Version=2010-05-08"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "InvalidAction");
  EXPECT_EQ(unknown.error().message, "Could not find operation MakeCoffee for version 2010-05-08");
  auto version = decode_query(model("iam"), form_post("Action=ListUsers&Version=2099-01-01"));
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, "InvalidAction");
  auto bad_int = decode_query(model("sts"), form_post("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=abc"));
  ASSERT_FALSE(bad_int.ok());
  EXPECT_EQ(bad_int.error().code, "ValidationError");
  EXPECT_EQ(bad_int.error().message,
            "1 validation error detected: Value 'abc' at 'durationSeconds' failed to satisfy constraint: Member must be "
            "a number");
  auto bad_escape = decode_query(model("sts"), form_post("Action=GetCallerIdentity&Version=2011-06-15&X=%zz"));
  ASSERT_FALSE(bad_escape.ok());
}

TEST(CodecJsonDecode, TargetAndBodyErrors) {
  const ServiceModel& orgs = model("organizations");
  auto ok = decode_json(orgs, json_post(orgs, "AWSOrganizationsV20161128.DescribeOrganization", ""));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->op->name, "DescribeOrganization");
  auto no_target = json_post(orgs, "", "{}");
  no_target.headers.pop_back();
  EXPECT_EQ(decode_json(orgs, no_target).error().code, "UnknownOperationException");
  EXPECT_EQ(decode_json(orgs, json_post(orgs, "AmazonSQS.ListQueues", "{}")).error().code, "UnknownOperationException");
  EXPECT_EQ(decode_json(orgs, json_post(orgs, "AWSOrganizationsV20161128.Nope", "{}")).error().code,
            "UnknownOperationException");
  EXPECT_EQ(decode_json(orgs, json_post(orgs, "AWSOrganizationsV20161128.ListAccounts", "{")).error().code,
            "SerializationException");
  EXPECT_EQ(decode_json(orgs, json_post(orgs, "AWSOrganizationsV20161128.ListAccounts", "[]")).error().code,
            "SerializationException");
  auto nested = decode_json(orgs, json_post(orgs, "AWSOrganizationsV20161128.CreatePolicy",
                                            R"({"Content":"{}","Description":"d","Name":"n","Type":"SERVICE_CONTROL_POLICY","Tags":{"a":"b"}})"));
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error().code, "SerializationException");
  EXPECT_EQ(nested.error().message, "Start of structure or map found where not expected.");
}

// ------------------------------------------------------------------ SQS: json model, legacy query form

TEST(CodecSqsQueryCompat, DecodesTheLegacyWireNames) {
  const ServiceModel& sqs = model("sqs");
  std::string url = "https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F111111111111%2Fq1";
  auto recv = decode_request(sqs, form_post("Action=ReceiveMessage&Version=2012-11-05&QueueUrl=" + url +
                                           "&AttributeName.1=All&MessageAttributeName.1=color&MessageAttributeName.2=size"
                                           "&MaxNumberOfMessages=5&WaitTimeSeconds=0"));
  ASSERT_TRUE(recv.ok()) << recv.error().message;
  EXPECT_EQ(json::serialize(recv->params),
            R"({"QueueUrl":"https://sqs.us-east-1.amazonaws.com/111111111111/q1","AttributeNames":["All"],"MessageAttributeNames":["color","size"],"MaxNumberOfMessages":5,"WaitTimeSeconds":0})");

  auto send = decode_request(sqs, form_post("Action=SendMessage&QueueUrl=" + url + "&MessageBody=hello"
                                           "&MessageAttribute.1.Name=color&MessageAttribute.1.Value.DataType=String"
                                           "&MessageAttribute.1.Value.StringValue=red"
                                           "&MessageAttribute.2.Name=raw&MessageAttribute.2.Value.DataType=Binary"
                                           "&MessageAttribute.2.Value.BinaryValue=AAEC"));
  ASSERT_TRUE(send.ok()) << send.error().message;
  const auto& attrs = send->params.at("MessageAttributes").as_object();
  EXPECT_EQ(attrs.at("color").at("StringValue"), "red");
  EXPECT_EQ(attrs.at("raw").at("BinaryValue").as_string(), std::string("\x00\x01\x02", 3));

  auto set = decode_request(sqs, form_post("Action=SetQueueAttributes&QueueUrl=" + url +
                                          "&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=60"
                                          "&Attribute.2.Name=Policy&Attribute.2.Value=%7B%7D"));
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(json::serialize(set->params.at("Attributes")), R"({"VisibilityTimeout":"60","Policy":"{}"})");

  auto create = decode_request(sqs, form_post("Action=CreateQueue&QueueName=q1&Tag.1.Key=team&Tag.1.Value=core"));
  ASSERT_TRUE(create.ok()) << create.error().message;
  EXPECT_EQ(json::serialize(create->params.at("tags")), R"({"team":"core"})");

  auto batch = decode_request(sqs, form_post("Action=SendMessageBatch&QueueUrl=" + url +
                                            "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x"
                                            "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y"
                                            "&SendMessageBatchRequestEntry.2.DelaySeconds=5"));
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  EXPECT_EQ(json::serialize(batch->params.at("Entries")),
            R"([{"Id":"a","MessageBody":"x"},{"Id":"b","MessageBody":"y","DelaySeconds":5}])");

  auto untag = decode_request(sqs, form_post("Action=UntagQueue&QueueUrl=" + url + "&TagKey.1=a&TagKey.2=b"));
  ASSERT_TRUE(untag.ok());
  EXPECT_EQ(json::serialize(untag->params.at("TagKeys")), R"(["a","b"])");

  // The json form of the same service still goes to the json decoder.
  auto js = decode_request(sqs, json_post(sqs, "AmazonSQS.ListQueues", R"({"QueueNamePrefix":"q"})"));
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(js->op->name, "ListQueues");
}

TEST(CodecSqsQueryCompat, EncodesTheLegacyXml) {
  const ServiceModel& sqs = model("sqs");
  json::value result = {{"Messages",
                         {{{"MessageId", "m-1"},
                           {"ReceiptHandle", "rh"},
                           {"MD5OfBody", "5d41402abc4b2a76b9719d911017c592"},
                           {"Body", "hello"},
                           {"Attributes", {{"SenderId", "AIDAEXAMPLE"}, {"SentTimestamp", "1789178199000"}}},
                           {"MessageAttributes", {{"color", {{"StringValue", "red"}, {"DataType", "String"}}}}}}}}};
  auto resp = encode_query_result(sqs, op("sqs", "ReceiveMessage"), result, kRid);
  check_golden("sqs_query_receive_message", resp);
  EXPECT_NE(resp.body.find("<ReceiveMessageResult><Message><MessageId>m-1</MessageId>"), std::string::npos);
  EXPECT_NE(resp.body.find("<Attribute><Name>SenderId</Name><Value>AIDAEXAMPLE</Value></Attribute>"), std::string::npos);
  auto back = testing::parse_query_result(op("sqs", "ReceiveMessage"), resp.body);
  std::string why;
  EXPECT_TRUE(testing::same(back, result, why)) << why << "\n" << json::serialize(back);

  auto list = encode_query_result(sqs, op("sqs", "ListQueues"), {{"QueueUrls", {"https://q/1", "https://q/2"}}}, kRid);
  EXPECT_NE(list.body.find("<ListQueuesResult><QueueUrl>https://q/1</QueueUrl><QueueUrl>https://q/2</QueueUrl>"),
            std::string::npos)
      << list.body;
}

}  // namespace
}  // namespace orgroot::protocol
