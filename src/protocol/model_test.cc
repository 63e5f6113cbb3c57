// Every model in data/models/ loads, resolves and is found by the names requests carry.
#include "protocol/model.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "protocol/codec_test_util.h"
#include "protocol/pattern.h"

namespace orgroot::protocol {
namespace {

namespace json = boost::json;

const std::string kModels = std::string(ORGROOT_SOURCE_DIR) + "/data/models";

const ModelRegistry& registry() {
  static ModelRegistry* reg = [] {
    auto r = ModelRegistry::load_dir(kModels);
    if (!r.ok()) {
      ADD_FAILURE() << r.error().message;
      return new ModelRegistry();
    }
    return new ModelRegistry(std::move(r).value());
  }();
  return *reg;
}

TEST(ModelFiles, AllSixServicesLoad) {
  const auto& reg = registry();
  ASSERT_EQ(reg.models().size(), 6u);
  for (const char* name : {"sts", "iam", "organizations", "s3", "sqs", "cloudtrail"}) {
    const ServiceModel* m = reg.by_name(name);
    ASSERT_NE(m, nullptr) << name;
    EXPECT_FALSE(m->operations.empty()) << name;
    EXPECT_FALSE(m->api_version.empty()) << name;
  }
}

TEST(ModelFiles, EveryReferenceResolvesAndEveryPatternCompiles) {
  for (const auto& m : registry().models()) {
    for (const auto& [name, s] : m->shapes) {
      EXPECT_NE(s.type, ShapeType::Unknown) << m->name << " " << name;
      for (const auto& mem : s.members) {
        EXPECT_NE(mem.shape, nullptr) << m->name << " " << name << "." << mem.name;
      }
      if (s.type == ShapeType::List) {
        EXPECT_NE(s.member.shape, nullptr);
      }
      if (s.type == ShapeType::Map) {
        EXPECT_TRUE(s.key.shape && s.value.shape);
      }
      if (!s.pattern.empty()) {
        EXPECT_NE(s.pattern_matcher, nullptr) << m->name << " " << name << ": " << s.pattern;
      }
    }
    for (const auto& [name, op] : m->operations) {
      EXPECT_EQ(op.name, name);
      for (const Shape* e : op.errors) {
        EXPECT_NE(e, nullptr);
      }
    }
  }
}

TEST(ModelFiles, NoDocumentationProse) {
  for (const char* name : {"sts", "iam", "organizations", "s3", "sqs", "cloudtrail"}) {
    std::string text = testing::read_text_file(kModels + "/" + name + ".json");
    EXPECT_EQ(text.find("\"documentation\""), std::string::npos) << name;
    EXPECT_EQ(text.find("\"documentationUrl\""), std::string::npos) << name;
  }
}

TEST(ModelFiles, MetadataOfTheServices) {
  const auto& reg = registry();
  const ServiceModel* sts = reg.by_signing_name("sts");
  ASSERT_NE(sts, nullptr);
  EXPECT_EQ(sts->protocol, "query");
  EXPECT_EQ(sts->api_version, "2011-06-15");
  EXPECT_EQ(sts->xml_namespace, "https://sts.amazonaws.com/doc/2011-06-15/");
  const Operation* ar = sts->find_operation("AssumeRoot");
  ASSERT_NE(ar, nullptr);
  EXPECT_EQ(ar->result_wrapper, "AssumeRootResult");
  ASSERT_NE(ar->input, nullptr);
  const Member* tp = ar->input->find_member("TargetPrincipal");
  ASSERT_NE(tp, nullptr);
  EXPECT_TRUE(tp->required);
  EXPECT_EQ(tp->shape->min_text, "12");
  EXPECT_EQ(sts->find_operation("NoSuchOperation"), nullptr);

  const ServiceModel* iam = reg.by_endpoint_prefix("iam");
  ASSERT_NE(iam, nullptr);
  EXPECT_NE(iam->find_operation("ListOrganizationsFeatures"), nullptr);
  EXPECT_NE(iam->find_error_shape("ServiceAccessNotEnabledException"), nullptr);
  const Shape* nse = iam->find_error_shape("NoSuchEntity");  // error.code differs from the shape name
  ASSERT_NE(nse, nullptr);
  EXPECT_EQ(nse->error.http_status, 404);

  const Operation* op = nullptr;
  const ServiceModel* orgs = reg.by_target("AWSOrganizationsV20161128.DescribeOrganization", &op);
  ASSERT_NE(orgs, nullptr);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->name, "DescribeOrganization");
  EXPECT_EQ(orgs->json_version, "1.1");
  EXPECT_EQ(orgs->json_error_message_key, "Message");
  EXPECT_EQ(orgs->json_error_type_prefix, "");
  EXPECT_EQ(reg.by_target("AWSOrganizationsV20161128.Nope"), nullptr);

  const ServiceModel* trail =
      reg.by_target("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", &op);
  ASSERT_NE(trail, nullptr);
  EXPECT_EQ(op->name, "LookupEvents");

  const ServiceModel* sqs = reg.by_target_prefix("AmazonSQS");
  ASSERT_NE(sqs, nullptr);
  EXPECT_TRUE(sqs->aws_query_compatible);
  EXPECT_EQ(sqs->json_error_type_prefix, "com.amazonaws.sqs#");
  EXPECT_EQ(sqs->json_error_message_key, "message");

  const ServiceModel* s3 = reg.by_signing_name("s3");
  ASSERT_NE(s3, nullptr);
  EXPECT_EQ(s3->protocol, "rest-xml");
  EXPECT_EQ(s3->find_operation("GetObject")->http_method, "GET");
}

TEST(ModelFiles, SqsQueryCompatNamesAreMergedIn) {
  const ServiceModel* sqs = registry().by_name("sqs");
  ASSERT_NE(sqs, nullptr);
  EXPECT_EQ(sqs->xml_namespace, "http://queue.amazonaws.com/doc/2012-11-05/");
  EXPECT_EQ(sqs->find_shape("AttributeNameList")->member.query_name, "AttributeName");
  EXPECT_EQ(sqs->find_shape("QueueAttributeMap")->key.query_name, "Name");
  EXPECT_EQ(sqs->find_shape("SendMessageRequest")->find_member("MessageAttributes")->query_name, "MessageAttribute");
  const Shape* nq = sqs->find_error_shape("AWS.SimpleQueueService.NonExistentQueue");
  ASSERT_NE(nq, nullptr);
  EXPECT_EQ(nq->name, "QueueDoesNotExist");
  // The json wire names are untouched.
  EXPECT_EQ(serialized_name(*sqs->find_shape("SendMessageRequest")->find_member("MessageAttributes")), "MessageAttributes");
}

TEST(ModelLoader, RejectsDanglingReferences) {
  json::value doc = json::parse(R"({"metadata":{"protocol":"json"},"shapes":{
      "In":{"type":"structure","members":{"A":{"shape":"Missing"}}}}})");
  auto m = ServiceModel::from_json(doc);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("Missing"), std::string::npos);

  json::value bad_type = json::parse(R"({"shapes":{"X":{"type":"quaternion"}}})");
  EXPECT_FALSE(ServiceModel::from_json(bad_type).ok());
  EXPECT_FALSE(ServiceModel::load_file(kModels + "/does-not-exist.json").ok());
}

TEST(ModelLoader, MemberTraitsOverrideShapeTraits) {
  json::value doc = json::parse(R"({"metadata":{"protocol":"query","endpointPrefix":"x"},"shapes":{
      "S":{"type":"structure","members":{
         "A":{"shape":"T","locationName":"a","timestampFormat":"unixTimestamp"},
         "B":{"shape":"T"},
         "C":{"shape":"L","flattened":true},
         "D":{"shape":"L","xmlNamespace":"http://d"}}},
      "T":{"type":"timestamp","timestampFormat":"iso8601","locationName":"tee"},
      "L":{"type":"list","member":{"shape":"T"},"xmlNamespace":{"prefix":"p","uri":"http://l"}}}})");
  auto m = ServiceModel::from_json(doc);
  ASSERT_TRUE(m.ok()) << m.error().message;
  const Shape* s = m->find_shape("S");
  EXPECT_EQ(serialized_name(*s->find_member("A")), "a");
  EXPECT_EQ(serialized_name(*s->find_member("B")), "tee");
  EXPECT_EQ(timestamp_format_of(*s->find_member("A")), "unixTimestamp");
  EXPECT_EQ(timestamp_format_of(*s->find_member("B")), "iso8601");
  EXPECT_TRUE(is_flattened(*s->find_member("C")));
  EXPECT_FALSE(is_flattened(*s->find_member("D")));
  EXPECT_EQ(xml_namespace_uri_of(*s->find_member("D")), "http://d");
  EXPECT_EQ(xml_namespace_prefix_of(*s->find_member("C")), "p");
  EXPECT_EQ(m->signing_name, "x");
  EXPECT_EQ(m->name, "x");
}

TEST(ModelLoader, PointersSurviveMoves) {
  auto m = ServiceModel::load_file(kModels + "/sts.json");
  ASSERT_TRUE(m.ok());
  const Operation* before = m->find_operation("GetCallerIdentity");
  ServiceModel moved = std::move(m).value();
  ServiceModel again = std::move(moved);
  EXPECT_EQ(again.find_operation("GetCallerIdentity"), before);
  EXPECT_EQ(before->output, again.find_shape("GetCallerIdentityResponse"));
}

}  // namespace
}  // namespace orgroot::protocol

namespace orgroot::protocol {
namespace {
TEST(TargetPrefix, FullOrLastDottedPart) {
  EXPECT_TRUE(target_prefix_matches("AWSOrganizationsV20161128", "AWSOrganizationsV20161128"));
  EXPECT_TRUE(target_prefix_matches("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "CloudTrail_20131101"));
  EXPECT_TRUE(target_prefix_matches("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
                                    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101"));
  EXPECT_FALSE(target_prefix_matches("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", "Trail_20131101"));
  EXPECT_FALSE(target_prefix_matches("AmazonSQS", ""));
  EXPECT_FALSE(target_prefix_matches("AmazonSQS", "AmazonSQSX"));
}
}  // namespace
}  // namespace orgroot::protocol
