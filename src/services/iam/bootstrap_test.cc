#include "services/iam/bootstrap.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/sqlite_identity_store.h"

namespace orgroot::services {
namespace {

TEST(Bootstrap, FirstStartCreatesManagementAccountAdminAndWritesCredentials) {
  auto dir = std::filesystem::temp_directory_path() / ("orgroot-boot-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  store::Db db((dir / "db").string());
  store::SqliteIdentityStore store(db);
  SystemClock clock;
  SecureRandom random;
  BootstrapOptions opt;
  opt.account_id = "111122223333";
  opt.credentials_file = (dir / "credentials").string();
  auto out = bootstrap_management_account(store, clock, random, opt);
  EXPECT_TRUE(out.first_start);
  EXPECT_TRUE(out.wrote_credentials_file);
  EXPECT_EQ(out.account_id, "111122223333");
  auto user = store.get_user("111122223333", "admin");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->arn, "arn:aws:iam::111122223333:user/admin");
  EXPECT_EQ(user->user_id.rfind("AIDA", 0), 0u);
  EXPECT_EQ(store.user_policy_arns("111122223333", "admin"),
            std::vector<std::string>{"arn:aws:iam::aws:policy/AdministratorAccess"});
  auto key = store.get_access_key(out.access_key_id);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->user_name, "admin");

  std::ifstream f(opt.credentials_file);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(), "[orgroot]\naws_access_key_id = " + out.access_key_id +
                            "\naws_secret_access_key = " + out.secret_access_key + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(opt.credentials_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A second start keeps the same key and account, even when asked for another account id.
  opt.account_id = "999999999999";
  auto again = bootstrap_management_account(store, clock, random, opt);
  EXPECT_FALSE(again.first_start);
  EXPECT_EQ(again.account_id, "111122223333");
  EXPECT_EQ(again.access_key_id, out.access_key_id);
  EXPECT_FALSE(again.wrote_credentials_file);
  std::filesystem::remove_all(dir);
}

TEST(Bootstrap, GivenKeyIsUsedAndValidated) {
  store::Db db(":memory:");
  store::SqliteIdentityStore store(db);
  SystemClock clock;
  SecureRandom random;
  BootstrapOptions opt;
  opt.admin_access_key_id = "AKIAORGROOTTESTKEY01";
  opt.admin_secret_access_key = "secretsecretsecretsecretsecretsecret0000";
  auto out = bootstrap_management_account(store, clock, random, opt);
  EXPECT_EQ(out.access_key_id, "AKIAORGROOTTESTKEY01");
  EXPECT_EQ(store.get_access_key("AKIAORGROOTTESTKEY01")->secret, opt.admin_secret_access_key);

  BootstrapOptions other = opt;
  other.admin_secret_access_key = "different";
  EXPECT_THROW(bootstrap_management_account(store, clock, random, other), std::runtime_error);
  BootstrapOptions half;
  half.admin_access_key_id = "AKIAORGROOTTESTKEY02";
  EXPECT_THROW(bootstrap_management_account(store, clock, random, half), std::runtime_error);
  BootstrapOptions bad_account;
  bad_account.account_id = "12345";
  EXPECT_THROW(bootstrap_management_account(store, clock, random, bad_account), std::runtime_error);
}

}  // namespace
}  // namespace orgroot::services
