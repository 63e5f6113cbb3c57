#include "store/sqlite_identity_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/schema.h"

namespace orgroot::store {
namespace {

std::string temp_db(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("orgroot-store-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::filesystem::remove(p);
  std::filesystem::remove(p.string() + "-wal");
  std::filesystem::remove(p.string() + "-shm");
  return p.string();
}

TEST(SqliteIdentityStore, RecordsSurviveReopen) {
  std::string path = temp_db("reopen.db");
  {
    Db db(path);
    SqliteIdentityStore s(db);
    s.put_account({"000000000000", "management", "m@example.com", 1.0});
    s.put_user({"000000000000", "admin", "AIDAAAAAAAAAAAAAAAAAA", "/", "arn:aws:iam::000000000000:user/admin", 2.0});
    s.put_access_key({"AKIAAAAAAAAAAAAAAAAA", "secret", "000000000000", "admin", "Active", 3.0});
    s.put_session({"ASIAAAAAAAAAAAAAAAAA", "s2", "tok", "000000000000", 100.0, 4.0, "{}"});
    s.attach_user_policy("000000000000", "admin", "arn:aws:iam::aws:policy/AdministratorAccess");
    s.put_setting("k", "v");
  }
  Db db(path);
  SqliteIdentityStore s(db);
  ASSERT_TRUE(s.get_account("000000000000"));
  auto u = s.get_user("000000000000", "ADMIN");  // IAM user names are case-insensitive
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user_id, "AIDAAAAAAAAAAAAAAAAAA");
  auto k = s.get_access_key("AKIAAAAAAAAAAAAAAAAA");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->secret, "secret");
  EXPECT_EQ(k->user_name, "admin");
  auto sess = s.get_session("ASIAAAAAAAAAAAAAAAAA");
  ASSERT_TRUE(sess);
  EXPECT_EQ(sess->expiration, 100.0);
  EXPECT_EQ(s.user_policy_arns("000000000000", "admin"),
            std::vector<std::string>{"arn:aws:iam::aws:policy/AdministratorAccess"});
  EXPECT_EQ(s.get_setting("k"), "v");
  EXPECT_FALSE(s.get_access_key("AKIAXXXXXXXXXXXXXXXX"));
  EXPECT_EQ(db.schema_version("identity"), static_cast<int>(identity_schema_migrations().size()));
}

SessionRecord sample_session() {
  return SessionRecord{"ASIAQAAAAAAAAAAAAAAA", "secret/+=", "", "000000000000", 2000000000.0, 1900000000.5,
                       R"({"type":"AssumedRole","arn":"arn:aws:sts::000000000000:assumed-role/r/s"})"};
}

TEST(SealedSessions, OpenWithTheirTokenAndKeyIdAndWriteNoRow) {
  Db db(":memory:");
  SqliteIdentityStore s(db);
  SessionRecord rec = sample_session();
  std::string token = s.seal_session(rec);
  EXPECT_EQ(token.rfind("IQoJb3JpZ2luX2VjE", 0), 0u);
  // Nothing but base64 characters, as an HTTP header and a query parameter carry them.
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
            std::string::npos);
  auto got = s.open_session(rec.access_key_id, token);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->secret, rec.secret);
  EXPECT_EQ(got->account_id, rec.account_id);
  EXPECT_EQ(got->expiration, rec.expiration);
  EXPECT_EQ(got->created_at, rec.created_at);
  EXPECT_EQ(got->principal_json, rec.principal_json);
  EXPECT_EQ(got->session_token, token);
  EXPECT_FALSE(s.get_session(rec.access_key_id));  // no row
  // Two seals of one record differ (fresh nonce) and both open.
  std::string again = s.seal_session(rec);
  EXPECT_NE(again, token);
  EXPECT_TRUE(s.open_session(rec.access_key_id, again));
}

TEST(SealedSessions, RefuseAnotherKeyIdAlteredTokensAndOtherServers) {
  Db db(":memory:");
  SqliteIdentityStore s(db);
  SessionRecord rec = sample_session();
  std::string token = s.seal_session(rec);
  EXPECT_FALSE(s.open_session("ASIAQAAAAAAAAAAAAAAB", token));
  for (size_t i : {size_t{17}, token.size() / 2, token.size() - 3}) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(s.open_session(rec.access_key_id, bad)) << i;
  }
  EXPECT_FALSE(s.open_session(rec.access_key_id, token.substr(0, token.size() - 4)));
  EXPECT_FALSE(s.open_session(rec.access_key_id, "IQoJb3JpZ2luX2VjE"));
  EXPECT_FALSE(s.open_session(rec.access_key_id, "not a token"));
  Db other_db(":memory:");
  SqliteIdentityStore other(other_db);
  EXPECT_FALSE(other.open_session(rec.access_key_id, token));  // another server's key
}

TEST(SealedSessions, SurviveARestartAndEndWithAReset) {
  std::string path = temp_db("sealed.db");
  SessionRecord rec = sample_session();
  std::string token;
  {
    Db db(path);
    SqliteIdentityStore s(db);
    token = s.seal_session(rec);
  }
  Db db(path);
  SqliteIdentityStore s(db);
  EXPECT_TRUE(s.open_session(rec.access_key_id, token));
  db.reset();
  EXPECT_FALSE(s.open_session(rec.access_key_id, token));
  EXPECT_TRUE(s.open_session(rec.access_key_id, s.seal_session(rec)));  // a new key after the reset
}

TEST(SqliteIdentityStore, RootKeysHaveNoUserAndResetWipesEverything) {
  Db db(":memory:");
  SqliteIdentityStore s(db);
  s.put_account({"111111111111", "a", "a@example.com", 1.0});
  s.put_access_key({"AKIAROOTROOTROOTROOT", "x", "111111111111", "", "Active", 1.0});
  auto k = s.get_access_key("AKIAROOTROOTROOTROOT");
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->user_name.empty());
  db.reset();
  EXPECT_FALSE(s.get_access_key("AKIAROOTROOTROOTROOT"));  // the cache is wiped too
  EXPECT_FALSE(s.get_account("111111111111"));
  EXPECT_EQ(db.schema_version("identity"), static_cast<int>(identity_schema_migrations().size()));
}

TEST(SqliteIdentityStore, KeyStatusUpdateIsSeenThroughTheCache) {
  Db db(":memory:");
  SqliteIdentityStore s(db);
  s.put_account({"111111111111", "a", "a@example.com", 1.0});
  s.put_access_key({"AKIAROOTROOTROOTROOT", "x", "111111111111", "", "Active", 1.0});
  ASSERT_EQ(s.get_access_key("AKIAROOTROOTROOTROOT")->status, "Active");
  s.put_access_key({"AKIAROOTROOTROOTROOT", "x", "111111111111", "", "Inactive", 1.0});
  EXPECT_EQ(s.get_access_key("AKIAROOTROOTROOTROOT")->status, "Inactive");
}

TEST(SqliteIdentityStore, RenameUserMovesKeysAndAttachmentsAndRefreshesTheCaches) {
  Db db(":memory:");
  SqliteIdentityStore s(db);
  const std::string a = "111111111111";
  s.put_account({a, "a", "a@example.com", 1.0});
  s.put_user({a, "bob", "AIDABOBBOBBOBBOBBOBBO", "/", "arn:aws:iam::111111111111:user/bob", 1.0});
  s.put_user({a, "carol", "AIDACAROLCAROLCAROLCA", "/", "arn:aws:iam::111111111111:user/carol", 1.0});
  s.put_access_key({"AKIABOBBOBBOBBOBBOB1", "x", a, "bob", "Active", 1.0});
  s.put_access_key({"AKIACAROLCAROLCAROL1", "y", a, "carol", "Active", 1.0});
  s.attach_user_policy(a, "bob", "arn:aws:iam::aws:policy/ReadOnlyAccess");
  // Warm every cache the authentication path reads.
  ASSERT_EQ(s.get_access_key("AKIABOBBOBBOBBOBBOB1")->user_name, "bob");
  ASSERT_TRUE(s.get_user(a, "bob"));

  UserRecord renamed{a, "Robert", "AIDABOBBOBBOBBOBBOBBO", "/ops/", "arn:aws:iam::111111111111:user/ops/Robert", 1.0};
  s.rename_user(a, "BOB", renamed);  // the old name matches case-insensitively

  EXPECT_FALSE(s.get_user(a, "bob"));
  auto u = s.get_user(a, "robert");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user_name, "Robert");
  EXPECT_EQ(u->arn, "arn:aws:iam::111111111111:user/ops/Robert");
  EXPECT_EQ(u->user_id, "AIDABOBBOBBOBBOBBOBBO");  // the user keeps its id
  auto k = s.get_access_key("AKIABOBBOBBOBBOBBOB1");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->user_name, "Robert");
  EXPECT_EQ(k->secret, "x");
  EXPECT_EQ(s.list_access_keys(a, "robert").size(), 1u);
  EXPECT_TRUE(s.list_access_keys(a, "bob").empty());
  EXPECT_EQ(s.user_policy_arns(a, "Robert"), std::vector<std::string>{"arn:aws:iam::aws:policy/ReadOnlyAccess"});
  EXPECT_TRUE(s.user_policy_arns(a, "bob").empty());
  EXPECT_EQ(s.users_with_policy(a, "arn:aws:iam::aws:policy/ReadOnlyAccess"), std::vector<std::string>{"Robert"});
  // Nobody else moved.
  EXPECT_EQ(s.get_access_key("AKIACAROLCAROLCAROL1")->user_name, "carol");
  EXPECT_EQ(s.list_users(a).size(), 2u);
}

TEST(Db, RefusesANewerSchema) {
  std::string path = temp_db("newer.db");
  {
    Db db(path);
    SqliteIdentityStore s(db);
    db.run([](Database& d) { d.exec("INSERT INTO schema_migrations VALUES('identity', 999, 'x')"); });
  }
  Db db(path);
  EXPECT_THROW(SqliteIdentityStore{db}, SqliteError);
}

TEST(Db, ComponentsMigrateIndependentlyAndAFailedMigrationLeavesNothingBehind) {
  Db db(":memory:");
  db.migrate("a", {"CREATE TABLE a1(x INTEGER);", "CREATE TABLE a2(x INTEGER);"});
  std::vector<std::string_view> b = {"CREATE TABLE b1(y INTEGER);", "CREATE TABLE b2(y INTEGER); SELECT * FROM nope;"};
  EXPECT_THROW(db.migrate("b", b), SqliteError);
  EXPECT_EQ(db.schema_version("a"), 2);
  EXPECT_EQ(db.schema_version("b"), 1);
  auto count = db.run([](Database& d) {
    auto st = d.prepare("SELECT count(*) FROM sqlite_master WHERE name='b2'");
    st.step();
    return st.i64(0);
  });
  EXPECT_EQ(count, 0);
}

TEST(Db, TransactionRollsBackWhenTheBodyThrows) {
  Db db(":memory:");
  db.migrate("t", {"CREATE TABLE t(x INTEGER);"});
  EXPECT_THROW(db.transaction([](Database& d) {
    d.exec("INSERT INTO t VALUES(1)");
    throw std::runtime_error("half-way");
  }),
               std::runtime_error);
  auto n = db.run([](Database& d) {
    auto st = d.prepare("SELECT count(*) FROM t");
    st.step();
    return st.i64(0);
  });
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace orgroot::store
