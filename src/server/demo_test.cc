// `orgroot server --demo`: the seeded organization, seen through App::handle, and the settings that
// make it happen once.
#include "server/demo.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "auth/sigv4.h"
#include "common/ids.h"
#include "server/app.h"
#include "store/db.h"
#include "store/sqlite_identity_store.h"

namespace orgroot::server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kKey = "AKIAORGROOTDEMOKEY01";
constexpr const char* kSecret = "demosecretdemosecretdemosecretdemosecret";

fs::path fresh_dir() {
  SecureRandom r;
  fs::path p = fs::temp_directory_path() / ("orgroot-demo-test-" + ids::lower_alnum(r, 12));
  fs::create_directories(p);
  return p;
}

class DemoTest : public ::testing::Test {
 protected:
  ManualClock clock{std::chrono::system_clock::now()};
  fs::path dir = fresh_dir();
  std::unique_ptr<App> app;

  void TearDown() override {
    if (app) app->stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  AppOptions options(bool demo) {
    AppOptions o;
    o.listen = "127.0.0.1:0";
    o.data_dir = dir.string();
    o.threads = 1;
    o.admin_access_key_id = kKey;
    o.admin_secret_access_key = kSecret;
    o.clock = &clock;
    o.demo = demo;
    return o;
  }
  void start(bool demo) {
    if (app) app->stop();
    app = std::make_unique<App>(options(demo));
    app->start();
  }

  json::value orgs(const std::string& op, const json::object& body = {}, int expected_status = 200) {
    HttpRequest req;
    req.method = "POST";
    req.target = "/";
    req.headers = {{"Host", "organizations.us-east-1.amazonaws.com"},
                   {"Content-Type", "application/x-amz-json-1.1"},
                   {"X-Amz-Target", "AWSOrganizationsV20161128." + op}};
    req.body = json::serialize(body);
    auth::sign_request(req, {kKey, kSecret, ""}, "us-east-1", "organizations", clock.now());
    auto r = app->handle(req);
    EXPECT_EQ(r.status, expected_status) << op << ": " << r.body;
    return json::parse(r.body);
  }

  std::set<std::string> account_names() {
    std::set<std::string> out;
    auto r = orgs("ListAccounts");
    for (const auto& a : r.at("Accounts").as_array()) out.insert(std::string(a.at("Name").as_string()));
    return out;
  }

  std::string demo_file() {
    std::ifstream f(dir / "demo.txt");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
};

TEST_F(DemoTest, FirstStartSeedsTheOrganizationAndItsSecrets) {
  start(true);
  auto org = orgs("DescribeOrganization").at("Organization");
  EXPECT_EQ(org.at("FeatureSet").as_string(), "ALL");
  std::set<std::string> expected{"management"};
  for (const auto& p : demo_plan()) expected.insert(p.name);
  EXPECT_EQ(account_names(), expected);

  // Trusted access for IAM is left off: turning it on is the story's first step.
  EXPECT_TRUE(orgs("ListAWSServiceAccessForOrganization").at("EnabledServicePrincipals").as_array().empty());

  struct stat st {};
  ASSERT_EQ(::stat((dir / "demo.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::string text = demo_file();
  for (const auto& p : demo_plan()) {
    EXPECT_NE(text.find("[" + p.profile + "]"), std::string::npos) << p.profile;
    if (p.root.password) EXPECT_NE(text.find("root_password = " + p.password), std::string::npos) << p.profile;
  }
  EXPECT_NE(text.find("root_mfa_seed = "), std::string::npos);
  EXPECT_NE(text.find("aws_access_key_id = AKIA"), std::string::npos);
  EXPECT_NE(text.find("root_signing_certificate_id = "), std::string::npos);
  EXPECT_NE(text.find(std::string("locked_bucket = ") + kDemoLockedBucket), std::string::npos);
}

TEST_F(DemoTest, ARestartKeepsWhatWasSeeded) {
  start(true);
  auto names = account_names();
  std::string first = demo_file();
  app->stop();
  start(true);
  EXPECT_EQ(account_names(), names);
  EXPECT_EQ(demo_file(), first);
}

TEST_F(DemoTest, ADataDirectoryStartedWithoutDemoIsLeftAlone) {
  start(false);
  app->stop();
  start(true);
  EXPECT_FALSE(fs::exists(dir / "demo.txt"));
  auto r = orgs("DescribeOrganization", {}, 400);
  EXPECT_EQ(r.at("__type").as_string(), "AWSOrganizationsNotInUseException");
}

TEST_F(DemoTest, AnInterruptedSeedingRefusesToStart) {
  {
    store::Db db((dir / "orgroot.db").string());
    store::SqliteIdentityStore s(db);
    s.put_setting(kDemoSeedingSetting, "2026-11-29T00:00:00Z");
  }
  app = std::make_unique<App>(options(true));
  try {
    app->start();
    FAIL() << "start() should refuse a half-seeded data directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("stopped while seeding"), std::string::npos) << e.what();
  }
  app.reset();
}

TEST(DemoPlan, ProfilesAreUniqueAndPasswordsMatchThePlan) {
  std::set<std::string> profiles, emails;
  int locked = 0;
  for (const auto& p : demo_plan()) {
    EXPECT_TRUE(profiles.insert(p.profile).second) << p.profile;
    EXPECT_TRUE(emails.insert(p.email).second) << p.email;
    EXPECT_EQ(p.root.password, !p.password.empty()) << p.profile;
    if (!p.root.touched) EXPECT_FALSE(p.root.password || p.root.access_key || p.root.mfa || p.root.signing_certificate);
    locked += p.locked_resources;
  }
  EXPECT_EQ(demo_plan().size(), 8u);
  EXPECT_EQ(locked, 1);
}

}  // namespace
}  // namespace orgroot::server
