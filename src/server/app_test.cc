// The whole request path in one process: signed requests through App::handle, no sockets.
#include "server/app.h"

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <boost/json.hpp>

#include "auth/sigv4.h"

namespace orgroot::server {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKey = "AKIAORGROOTTESTKEY01";
constexpr const char* kSecret = "secretsecretsecretsecretsecretsecret0000";

struct Xml {
  pugi::xml_document doc;
  explicit Xml(const std::string& body) { doc.load_string(body.c_str()); }
  std::string at(const char* xpath) const {
    auto n = doc.select_node(xpath);
    return n ? n.node().text().as_string() : std::string("<missing>");
  }
};

class AppTest : public ::testing::Test {
 protected:
  ManualClock clock{std::chrono::system_clock::now()};
  std::unique_ptr<App> app;

  void SetUp() override {
    AppOptions o;
    o.listen = "127.0.0.1:0";
    o.in_memory = true;
    o.threads = 1;
    o.admin_access_key_id = kKey;
    o.admin_secret_access_key = kSecret;
    o.clock = &clock;
    app = std::make_unique<App>(o);
    app->start();
  }
  void TearDown() override { app->stop(); }

  HttpResponse sts(const std::string& form, const auth::Credentials& c, std::chrono::seconds client_skew = 0s) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/";
    req.headers = {{"Host", "sts.us-east-1.amazonaws.com"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = form;
    auth::sign_request(req, c, "us-east-1", "sts", clock.now() + client_skew);
    return app->handle(req);
  }
  static auth::Credentials admin() { return {kKey, kSecret, ""}; }
};

TEST_F(AppTest, GetCallerIdentityAsAdmin) {
  auto r = sts("Action=GetCallerIdentity&Version=2011-06-15", admin());
  ASSERT_EQ(r.status, 200) << r.body;
  Xml x(r.body);
  EXPECT_EQ(x.at("/GetCallerIdentityResponse/GetCallerIdentityResult/Arn"), "arn:aws:iam::000000000000:user/admin");
  EXPECT_EQ(x.at("/GetCallerIdentityResponse/GetCallerIdentityResult/Account"), "000000000000");
  EXPECT_EQ(x.at("/GetCallerIdentityResponse/GetCallerIdentityResult/UserId").substr(0, 4), "AIDA");
  ASSERT_NE(r.header("x-amzn-RequestId"), nullptr);
  EXPECT_EQ(x.at("/GetCallerIdentityResponse/ResponseMetadata/RequestId"), *r.header("x-amzn-RequestId"));
}

TEST_F(AppTest, AuthenticationErrors) {
  auto unknown = sts("Action=GetCallerIdentity&Version=2011-06-15", {"AKIAUNKNOWNUNKNOWN00", kSecret, ""});
  EXPECT_EQ(unknown.status, 403);
  EXPECT_EQ(Xml(unknown.body).at("/ErrorResponse/Error/Code"), "InvalidClientTokenId");
  EXPECT_EQ(Xml(unknown.body).at("/ErrorResponse/Error/Message"), "The security token included in the request is invalid.");
  EXPECT_EQ(Xml(unknown.body).at("/ErrorResponse/Error/Type"), "Sender");

  auto wrong = sts("Action=GetCallerIdentity&Version=2011-06-15", {kKey, "wrongwrongwrongwrongwrongwrongwrongwrong", ""});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(Xml(wrong.body).at("/ErrorResponse/Error/Code"), "SignatureDoesNotMatch");

  auto skewed = sts("Action=GetCallerIdentity&Version=2011-06-15", admin(), -20min);
  EXPECT_EQ(skewed.status, 403);
  EXPECT_EQ(Xml(skewed.body).at("/ErrorResponse/Error/Code"), "SignatureDoesNotMatch");
  EXPECT_EQ(Xml(skewed.body).at("/ErrorResponse/Error/Message").rfind("Signature expired", 0), 0u);

  HttpRequest unsigned_req;
  unsigned_req.method = "POST";
  unsigned_req.target = "/";
  unsigned_req.headers = {{"Host", "sts.amazonaws.com"}, {"Content-Type", "application/x-www-form-urlencoded"}};
  unsigned_req.body = "Action=GetCallerIdentity&Version=2011-06-15";
  auto missing = app->handle(unsigned_req);
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(Xml(missing.body).at("/ErrorResponse/Error/Code"), "MissingAuthenticationToken");
}

TEST_F(AppTest, SessionTokenLifecycle) {
  auto bad = sts("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=899", admin());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Xml(bad.body).at("/ErrorResponse/Error/Code"), "ValidationError");
  EXPECT_EQ(Xml(bad.body).at("/ErrorResponse/Error/Message"),
            "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member "
            "must have value greater than or equal to 900");

  auto r = sts("Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900", admin());
  ASSERT_EQ(r.status, 200) << r.body;
  Xml x(r.body);
  auth::Credentials temp{x.at("//Credentials/AccessKeyId"), x.at("//Credentials/SecretAccessKey"),
                         x.at("//Credentials/SessionToken")};
  EXPECT_EQ(temp.access_key_id.substr(0, 4), "ASIA");
  EXPECT_EQ(temp.access_key_id.size(), 20u);
  EXPECT_EQ(temp.secret_access_key.size(), 40u);

  auto who = sts("Action=GetCallerIdentity&Version=2011-06-15", temp);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(Xml(who.body).at("//Arn"), "arn:aws:iam::000000000000:user/admin");

  auto again = sts("Action=GetSessionToken&Version=2011-06-15", temp);
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(Xml(again.body).at("//Code"), "AccessDenied");

  auto no_token = sts("Action=GetCallerIdentity&Version=2011-06-15", {temp.access_key_id, temp.secret_access_key, ""});
  EXPECT_EQ(Xml(no_token.body).at("//Code"), "InvalidClientTokenId");

  clock.advance(901s);
  auto expired = sts("Action=GetCallerIdentity&Version=2011-06-15", temp);
  EXPECT_EQ(Xml(expired.body).at("//Code"), "ExpiredToken");
  EXPECT_EQ(Xml(expired.body).at("//Message"), "The security token included in the request is expired");
}

TEST_F(AppTest, GetAccessKeyInfo) {
  auto own = sts(std::string("Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=") + kKey, admin());
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Xml(own.body).at("//Account"), "000000000000");
  auto foreign = sts("Action=GetAccessKeyInfo&Version=2011-06-15&AccessKeyId=ASIAY34FZKBOKMUTVV7A", admin());
  ASSERT_EQ(foreign.status, 200) << foreign.body;
  EXPECT_EQ(Xml(foreign.body).at("//Account"), "609629065308");
}

TEST_F(AppTest, UnknownActionIsInvalidAction) {
  auto r = sts("Action=NoSuchThing&Version=2011-06-15", admin());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Xml(r.body).at("//Code"), "InvalidAction");
}

TEST_F(AppTest, JsonProtocolErrorsUseJsonNames) {
  HttpRequest req;
  req.method = "POST";
  req.target = "/";
  req.headers = {{"Host", "organizations.us-east-1.amazonaws.com"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"}};
  req.body = "{}";
  auth::sign_request(req, {"AKIAUNKNOWNUNKNOWN00", kSecret, ""}, "us-east-1", "organizations", clock.now());
  auto r = app->handle(req);
  EXPECT_EQ(r.status, 400);
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_NE(std::string(v.at("__type").as_string()).find("UnrecognizedClientException"), std::string::npos);
}

TEST_F(AppTest, HealthEndpoint) {
  HttpRequest req;
  req.method = "GET";
  req.target = "/_orgroot/health";
  auto r = app->handle(req);
  ASSERT_EQ(r.status, 200);
  auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v.at("version").as_string(), ORGROOT_VERSION);
  EXPECT_TRUE(v.at("uptime").is_double());
}

}  // namespace
}  // namespace orgroot::server
