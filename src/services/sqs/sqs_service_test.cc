// SQS handlers and authz targets over store::Db(":memory:").
#include "services/sqs/sqs_service.h"

#include <gtest/gtest.h>

#include "auth/crypto.h"
#include "server/authorizer.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::services::sqs {
namespace {

namespace json = boost::json;
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

std::string url(const std::string& account, const std::string& name) {
  return "https://sqs.us-east-1.amazonaws.com/" + account + "/" + name;
}

class SqsTest : public ::testing::Test {
 protected:
  OperationResult call(const std::string& op, json::object params, const Principal& who) {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
    auto h = svc.find(op);
    EXPECT_NE(h, nullptr) << op;
    return (*h)(ctx, params);
  }
  OperationResult call(const std::string& op, json::object params) { return call(op, std::move(params), user(kA)); }
  AuthzTarget target(const std::string& op, json::object params, const Principal& who) {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
    return svc.authz_target(op, params, ctx);
  }
  static std::string code(const OperationResult& r) { return r ? "" : r.error().code; }
  std::string attr(const std::string& q, const std::string& name) {
    auto r = call("GetQueueAttributes", {{"QueueUrl", url(kA, q)}, {"AttributeNames", json::array{json::value(name)}}});
    if (!r || !r->as_object().contains("Attributes")) return "<none>";
    auto& a = r->at("Attributes").as_object();
    return a.contains(name) ? std::string(a.at(name).as_string()) : "<none>";
  }

  store::Db db{":memory:"};
  store::SqliteIdentityStore identity{db};
  ManualClock clock{std::chrono::system_clock::time_point(std::chrono::seconds(1760000000))};
  CountingRandom random;
  Quotas quotas;
  ServiceDeps deps{db, identity, clock, random, kA, quotas, ""};
  SqsService svc{deps};
};

TEST(SqsHelpers, UrlsNamesAndAttributeDigest) {
  auto r = parse_queue_url("http://localhost:4566/111111111111/q1", "eu-west-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->account, kA);
  EXPECT_EQ(r->name, "q1");
  EXPECT_EQ(r->arn(), "arn:aws:sqs:eu-west-1:111111111111:q1");
  EXPECT_EQ(r->url(), "https://sqs.eu-west-1.amazonaws.com/111111111111/q1");
  EXPECT_FALSE(parse_queue_url("q1", "us-east-1"));
  EXPECT_FALSE(parse_queue_url("http://x/abc/q1", "us-east-1"));
  EXPECT_TRUE(valid_queue_name("a-b_C9"));
  EXPECT_TRUE(valid_queue_name("a.fifo"));
  EXPECT_FALSE(valid_queue_name("a.b"));
  EXPECT_FALSE(valid_queue_name(std::string(81, 'a')));
  // Known answer: one String attribute {"a": "b"} (4-byte lengths, transport byte 1).
  std::string buf = std::string("\0\0\0\1a\0\0\0\6String\1\0\0\0\1b", 21);
  EXPECT_EQ(md5_of_message_attributes({{"a", json::object{{"DataType", "String"}, {"StringValue", "b"}}}}),
            crypto::md5_hex(buf));
}

TEST_F(SqsTest, CreateGetListDeleteQueue) {
  auto c = call("CreateQueue", {{"QueueName", "q1"}, {"Attributes", json::object{{"VisibilityTimeout", "60"}}}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->at("QueueUrl").as_string(), url(kA, "q1"));
  // Same attributes: the same URL; different: QueueNameExists (legacy QueueAlreadyExists).
  EXPECT_TRUE(call("CreateQueue", {{"QueueName", "q1"}, {"Attributes", json::object{{"VisibilityTimeout", "60"}}}}));
  EXPECT_TRUE(call("CreateQueue", {{"QueueName", "q1"}}));
  auto dup = call("CreateQueue", {{"QueueName", "q1"}, {"Attributes", json::object{{"VisibilityTimeout", "61"}}}});
  EXPECT_EQ(code(dup), "QueueNameExists");
  EXPECT_EQ(dup.error().query_code, "QueueAlreadyExists");
  EXPECT_EQ(dup.error().message,
            "A queue already exists with the same name and a different value for attribute VisibilityTimeout");
  auto bad = call("CreateQueue", {{"QueueName", "bad name"}});
  EXPECT_EQ(code(bad), "InvalidParameterValueException");
  EXPECT_EQ(bad.error().query_code, "InvalidParameterValue");
  EXPECT_EQ(code(call("CreateQueue", {{"QueueName", "q2"}, {"Attributes", json::object{{"DelaySeconds", "901"}}}})),
            "InvalidAttributeValue");
  EXPECT_EQ(code(call("CreateQueue", {{"QueueName", "q2"}, {"Attributes", json::object{{"Bogus", "1"}}}})),
            "InvalidAttributeName");
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "q2"}}));
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "other"}}));
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "q1"}}, user(kB)));

  EXPECT_EQ(call("GetQueueUrl", {{"QueueName", "q2"}})->at("QueueUrl").as_string(), url(kA, "q2"));
  auto missing = call("GetQueueUrl", {{"QueueName", "nope"}});
  EXPECT_EQ(code(missing), "QueueDoesNotExist");
  EXPECT_EQ(missing.error().query_code, "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(missing.error().message, "The specified queue does not exist.");
  EXPECT_EQ(call("GetQueueUrl", {{"QueueName", "q1"}, {"QueueOwnerAWSAccountId", kB}})->at("QueueUrl").as_string(),
            url(kB, "q1"));

  auto all = call("ListQueues", {});
  ASSERT_EQ(all->at("QueueUrls").as_array().size(), 3u);
  auto pre = call("ListQueues", {{"QueueNamePrefix", "q"}});
  ASSERT_EQ(pre->at("QueueUrls").as_array().size(), 2u);
  auto page = call("ListQueues", {{"MaxResults", 2}});
  ASSERT_EQ(page->at("QueueUrls").as_array().size(), 2u);
  auto rest = call("ListQueues", {{"MaxResults", 2}, {"NextToken", page->at("NextToken")}});
  ASSERT_EQ(rest->at("QueueUrls").as_array().size(), 1u);
  EXPECT_FALSE(rest->as_object().contains("NextToken"));
  EXPECT_EQ(code(call("ListQueues", {{"MaxResults", 0}})), "InvalidParameterValueException");

  ASSERT_TRUE(call("DeleteQueue", {{"QueueUrl", url(kA, "q2")}}));
  EXPECT_EQ(code(call("DeleteQueue", {{"QueueUrl", url(kA, "q2")}})), "QueueDoesNotExist");
  EXPECT_FALSE(call("ListQueues", {{"QueueNamePrefix", "zz"}})->as_object().contains("QueueUrls"));
}

TEST_F(SqsTest, Attributes) {
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "qa"}}));
  auto all = call("GetQueueAttributes", {{"QueueUrl", url(kA, "qa")}, {"AttributeNames", json::array{"All"}}});
  ASSERT_TRUE(all);
  auto& a = all->at("Attributes").as_object();
  EXPECT_EQ(a.at("QueueArn").as_string(), "arn:aws:sqs:us-east-1:111111111111:qa");
  EXPECT_EQ(a.at("VisibilityTimeout").as_string(), "30");
  EXPECT_EQ(a.at("MessageRetentionPeriod").as_string(), "345600");
  EXPECT_EQ(a.at("DelaySeconds").as_string(), "0");
  EXPECT_EQ(a.at("ReceiveMessageWaitTimeSeconds").as_string(), "0");
  EXPECT_EQ(a.at("ApproximateNumberOfMessages").as_string(), "0");
  EXPECT_EQ(a.at("CreatedTimestamp").as_string(), "1760000000");
  EXPECT_FALSE(a.contains("Policy"));
  EXPECT_FALSE(call("GetQueueAttributes", {{"QueueUrl", url(kA, "qa")}})->as_object().contains("Attributes"));
  EXPECT_EQ(code(call("GetQueueAttributes", {{"QueueUrl", url(kA, "qa")}, {"AttributeNames", json::array{"Nope"}}})),
            "InvalidAttributeName");

  ASSERT_TRUE(call("SetQueueAttributes", {{"QueueUrl", url(kA, "qa")},
                                          {"Attributes", json::object{{"VisibilityTimeout", "5"},
                                                                      {"DelaySeconds", "2"},
                                                                      {"ReceiveMessageWaitTimeSeconds", "20"}}}}));
  EXPECT_EQ(attr("qa", "VisibilityTimeout"), "5");
  EXPECT_EQ(attr("qa", "DelaySeconds"), "2");
  EXPECT_EQ(attr("qa", "ReceiveMessageWaitTimeSeconds"), "20");
  auto bad = call("SetQueueAttributes", {{"QueueUrl", url(kA, "qa")}, {"Attributes", json::object{{"Policy", "{x"}}}});
  EXPECT_EQ(code(bad), "InvalidAttributeValue");
  EXPECT_EQ(bad.error().message, "Invalid value for the parameter Policy.");
  EXPECT_EQ(code(call("SetQueueAttributes",
                      {{"QueueUrl", url(kA, "qa")}, {"Attributes", json::object{{"FifoQueue", "true"}}}})),
            "InvalidAttributeValue");
  const std::string doc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
                          R"("Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:111111111111:qa"}]})";
  ASSERT_TRUE(call("SetQueueAttributes", {{"QueueUrl", url(kA, "qa")}, {"Attributes", json::object{{"Policy", doc}}}}));
  EXPECT_EQ(attr("qa", "Policy"), doc);
  ASSERT_TRUE(call("SetQueueAttributes", {{"QueueUrl", url(kA, "qa")}, {"Attributes", json::object{{"Policy", ""}}}}));
  EXPECT_EQ(attr("qa", "Policy"), "<none>");
  EXPECT_EQ(code(call("SetQueueAttributes", {{"QueueUrl", url(kA, "nope")}, {"Attributes", json::object{}}})),
            "QueueDoesNotExist");
}

TEST_F(SqsTest, Permissions) {
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "qp"}}));
  ASSERT_TRUE(call("AddPermission", {{"QueueUrl", url(kA, "qp")},
                                     {"Label", "send"},
                                     {"AWSAccountIds", json::array{json::value(kB)}},
                                     {"Actions", json::array{"SendMessage"}}}));
  auto doc = json::parse(attr("qp", "Policy")).as_object();
  EXPECT_EQ(doc.at("Version").as_string(), "2012-10-17");
  auto& st = doc.at("Statement").as_array();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].at("Sid").as_string(), "send");
  EXPECT_EQ(st[0].at("Effect").as_string(), "Allow");
  EXPECT_EQ(st[0].at("Principal").at("AWS").as_string(), "arn:aws:iam::222222222222:root");
  EXPECT_EQ(st[0].at("Action").as_string(), "SQS:SendMessage");
  EXPECT_EQ(st[0].at("Resource").as_string(), "arn:aws:sqs:us-east-1:111111111111:qp");
  auto dup = call("AddPermission", {{"QueueUrl", url(kA, "qp")},
                                    {"Label", "send"},
                                    {"AWSAccountIds", json::array{json::value(kB)}},
                                    {"Actions", json::array{"ReceiveMessage"}}});
  EXPECT_EQ(dup.error().message, "Value send for parameter Label is invalid. Reason: Already exists.");
  ASSERT_TRUE(call("AddPermission", {{"QueueUrl", url(kA, "qp")},
                                     {"Label", "two"},
                                     {"AWSAccountIds", json::array{json::value(kB), json::value(kA)}},
                                     {"Actions", json::array{"ReceiveMessage", "DeleteMessage"}}}));
  EXPECT_EQ(json::parse(attr("qp", "Policy")).at("Statement").as_array().size(), 2u);
  EXPECT_EQ(code(call("AddPermission", {{"QueueUrl", url(kA, "qp")},
                                        {"Label", "x"},
                                        {"AWSAccountIds", json::array{json::value(kB)}},
                                        {"Actions", json::array{"CreateQueue"}}})),
            "InvalidParameterValueException");
  // The policy really grants account B SendMessage.
  AdminEverywhere iam;
  server::Authorizer authz(&iam, nullptr, clock, nullptr);
  HttpRequest req;
  auto allowed = [&](const std::string& op, const Principal& who) {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
    return bool(authz.authorize(who, svc.authz_target(op, {{"QueueUrl", url(kA, "qp")}}, ctx), req, "us-east-1"));
  };
  EXPECT_TRUE(allowed("SendMessage", user(kB)));
  EXPECT_FALSE(allowed("SetQueueAttributes", user(kB)));

  ASSERT_TRUE(call("RemovePermission", {{"QueueUrl", url(kA, "qp")}, {"Label", "send"}}));
  EXPECT_FALSE(allowed("SendMessage", user(kB)));
  auto gone = call("RemovePermission", {{"QueueUrl", url(kA, "qp")}, {"Label", "send"}});
  EXPECT_EQ(gone.error().message, "Value send for parameter Label is invalid. Reason: can't find label.");
  ASSERT_TRUE(call("RemovePermission", {{"QueueUrl", url(kA, "qp")}, {"Label", "two"}}));
  EXPECT_EQ(attr("qp", "Policy"), "<none>");
}

TEST_F(SqsTest, Messages) {
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "qm"}}));
  const std::string u = url(kA, "qm");
  auto s = call("SendMessage", {{"QueueUrl", u},
                                {"MessageBody", "hello"},
                                {"MessageAttributes",
                                 json::object{{"color", json::object{{"DataType", "String"}, {"StringValue", "red"}}}}}});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->at("MD5OfMessageBody").as_string(), crypto::md5_hex("hello"));
  EXPECT_EQ(s->at("MD5OfMessageAttributes").as_string(),
            md5_of_message_attributes({{"color", json::object{{"DataType", "String"}, {"StringValue", "red"}}}}));
  EXPECT_EQ(s->at("MessageId").as_string().size(), 36u);
  ASSERT_TRUE(call("SendMessage", {{"QueueUrl", u}, {"MessageBody", "second"}}));
  EXPECT_EQ(call("SendMessage", {{"QueueUrl", u}, {"MessageBody", ""}}).error().code,
            "MissingRequiredParameterException");
  EXPECT_EQ(attr("qm", "ApproximateNumberOfMessages"), "2");

  auto r = call("ReceiveMessage", {{"QueueUrl", u},
                                   {"MaxNumberOfMessages", 10},
                                   {"MessageAttributeNames", json::array{"All"}},
                                   {"MessageSystemAttributeNames", json::array{"All"}}});
  ASSERT_TRUE(r);
  auto& msgs = r->at("Messages").as_array();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].at("Body").as_string(), "hello");
  EXPECT_EQ(msgs[0].at("MD5OfBody").as_string(), crypto::md5_hex("hello"));
  EXPECT_EQ(msgs[0].at("MessageAttributes").at("color").at("StringValue").as_string(), "red");
  EXPECT_EQ(msgs[0].at("Attributes").at("ApproximateReceiveCount").as_string(), "1");
  EXPECT_EQ(msgs[0].at("Attributes").at("SenderId").as_string(), "AIDAalice");
  EXPECT_EQ(attr("qm", "ApproximateNumberOfMessagesNotVisible"), "2");
  // Invisible until the visibility timeout passes.
  EXPECT_FALSE(call("ReceiveMessage", {{"QueueUrl", u}})->as_object().contains("Messages"));
  clock.advance(std::chrono::seconds(31));
  auto again = call("ReceiveMessage", {{"QueueUrl", u}, {"VisibilityTimeout", 100}});
  ASSERT_EQ(again->at("Messages").as_array().size(), 1u);
  const std::string handle(again->at("Messages").as_array()[0].at("ReceiptHandle").as_string());
  ASSERT_TRUE(call("DeleteMessage", {{"QueueUrl", u}, {"ReceiptHandle", handle}}));
  ASSERT_TRUE(call("DeleteMessage", {{"QueueUrl", u}, {"ReceiptHandle", handle}}));  // stale: accepted
  auto inv = call("DeleteMessage", {{"QueueUrl", u}, {"ReceiptHandle", "garbage"}});
  EXPECT_EQ(code(inv), "ReceiptHandleIsInvalid");
  EXPECT_EQ(inv.error().message, "The input receipt handle \"garbage\" is not a valid receipt handle.");
  EXPECT_EQ(code(call("ReceiveMessage", {{"QueueUrl", u}, {"MaxNumberOfMessages", 11}})),
            "InvalidParameterValueException");
  EXPECT_EQ(call("ReceiveMessage", {{"QueueUrl", u}, {"MaxNumberOfMessages", 11}}).error().message,
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
  EXPECT_EQ(code(call("ReceiveMessage", {{"QueueUrl", u}, {"WaitTimeSeconds", 21}})), "InvalidParameterValueException");
  // Delayed messages.
  ASSERT_TRUE(call("SendMessage", {{"QueueUrl", u}, {"MessageBody", "later"}, {"DelaySeconds", 10}}));
  EXPECT_EQ(attr("qm", "ApproximateNumberOfMessagesDelayed"), "1");
  EXPECT_EQ(code(call("SendMessage", {{"QueueUrl", url(kA, "nope")}, {"MessageBody", "x"}})), "QueueDoesNotExist");
}

TEST_F(SqsTest, AuthzTargetsAndDenyAll) {
  ASSERT_TRUE(call("CreateQueue", {{"QueueName", "locked"}}));
  const std::string u = url(kA, "locked");
  const std::string deny = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*",)"
                           R"("Action":"sqs:*","Resource":"*"}]})";
  ASSERT_TRUE(call("SetQueueAttributes", {{"QueueUrl", u}, {"Attributes", json::object{{"Policy", deny}}}}));
  auto t = target("SendMessage", {{"QueueUrl", u}}, user(kB));
  EXPECT_EQ(t.action, "sqs:SendMessage");
  EXPECT_EQ(t.resource, "arn:aws:sqs:us-east-1:111111111111:locked");
  EXPECT_EQ(t.resource_account, kA);
  EXPECT_EQ(t.resource_policy, deny);
  EXPECT_FALSE(t.root_exempt_from_resource_policy_deny);
  EXPECT_EQ(target("ListQueues", {}, user(kA)).resource, "*");
  EXPECT_EQ(target("GetQueueUrl", {{"QueueName", "locked"}}, user(kA)).resource_policy, deny);
  EXPECT_TRUE(target("GetQueueAttributes", {{"QueueUrl", u}}, root(kA)).root_exempt_from_resource_policy_deny);
  EXPECT_TRUE(target("SetQueueAttributes", {{"QueueUrl", u}, {"Attributes", json::object{{"Policy", ""}}}}, root(kA))
                  .root_exempt_from_resource_policy_deny);
  EXPECT_FALSE(target("SetQueueAttributes",
                      {{"QueueUrl", u}, {"Attributes", json::object{{"Policy", ""}, {"DelaySeconds", "1"}}}}, root(kA))
                   .root_exempt_from_resource_policy_deny);
  EXPECT_EQ(target("CreateQueue", {{"QueueName", "n"}}, user(kA)).resource, "arn:aws:sqs:us-east-1:111111111111:n");

  AdminEverywhere iam;
  server::Authorizer authz(&iam, nullptr, clock, nullptr);
  HttpRequest req;
  auto allowed = [&](const std::string& op, json::object p, const Principal& who) {
    CallContext ctx{who, "req", "us-east-1", "127.0.0.1", false};
    return bool(authz.authorize(who, svc.authz_target(op, p, ctx), req, "us-east-1"));
  };
  const json::object unlock{{"QueueUrl", u}, {"Attributes", json::object{{"Policy", ""}}}};
  for (auto op : {"SendMessage", "ReceiveMessage", "GetQueueAttributes", "DeleteQueue"})
    EXPECT_FALSE(allowed(op, {{"QueueUrl", u}}, user(kA, "admin"))) << op;
  EXPECT_FALSE(allowed("SetQueueAttributes", unlock, user(kA, "admin")));
  EXPECT_FALSE(allowed("SendMessage", {{"QueueUrl", u}}, root(kA)));
  EXPECT_TRUE(allowed("GetQueueAttributes", {{"QueueUrl", u}}, root(kA)));
  EXPECT_TRUE(allowed("SetQueueAttributes", unlock, root(kA)));
  EXPECT_FALSE(allowed("SetQueueAttributes", unlock, root(kB)));
}

TEST_F(SqsTest, AuditHints) {
  std::vector<std::string> recipients{kB};
  std::vector<AuditResource> resources;
  CallContext ctx{user(kB), "req", "us-east-1", "127.0.0.1", false};
  svc.audit_hints("SendMessage", {{"QueueUrl", url(kA, "q")}}, json::value(), ctx, recipients, resources);
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0].type, "AWS::SQS::Queue");
  EXPECT_EQ(resources[0].arn, "arn:aws:sqs:us-east-1:111111111111:q");
  EXPECT_EQ(recipients, (std::vector<std::string>{kB, kA}));
}

}  // namespace
}  // namespace orgroot::services::sqs
