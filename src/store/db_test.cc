// Db: the change generation that caches key on, and the in-memory database's behaviour.
#include "store/db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace orgroot::store {
namespace {

void exec(Db& db, const char* sql) {
  db.run([&](Database& d) { d.prepare(sql).run(); });
}

struct Tables : ::testing::Test {
  Db db{":memory:"};
  Tables() {
    db.run([](Database& d) {
      d.exec("CREATE TABLE facts(k TEXT PRIMARY KEY, v TEXT); CREATE TABLE stamps(k TEXT PRIMARY KEY, t REAL)");
    });
    db.volatile_table("stamps");
  }
};

TEST_F(Tables, EveryRowChangeMovesTheGeneration) {
  uint64_t g = db.generation();
  exec(db, "INSERT INTO facts VALUES('a','1')");
  EXPECT_GT(db.generation(), g);
  g = db.generation();
  exec(db, "UPDATE facts SET v='2' WHERE k='a'");
  EXPECT_GT(db.generation(), g);
  g = db.generation();
  exec(db, "DELETE FROM facts WHERE k='a'");
  EXPECT_GT(db.generation(), g);
}

TEST_F(Tables, ReadsAndVolatileTablesLeaveItAlone) {
  exec(db, "INSERT INTO facts VALUES('a','1')");
  const uint64_t g = db.generation();
  db.run([](Database& d) {
    auto st = d.prepare("SELECT v FROM facts");
    while (st.step()) {
    }
  });
  exec(db, "INSERT INTO stamps VALUES('a', 1)");
  exec(db, "UPDATE stamps SET t=2");
  EXPECT_EQ(db.generation(), g);
}

TEST_F(Tables, RolledBackChangesStillMoveIt) {
  // Conservative: a cache may be dropped for nothing, never kept for something.
  const uint64_t g = db.generation();
  EXPECT_THROW(db.transaction([](Database& d) {
    d.prepare("INSERT INTO facts VALUES('b','1')").run();
    throw std::runtime_error("abandon");
  }),
               std::runtime_error);
  EXPECT_GT(db.generation(), g);
  EXPECT_EQ(db.run([](Database& d) {
    auto st = d.prepare("SELECT count(*) FROM facts");
    st.step();
    return st.i64(0);
  }),
            0);
}

TEST_F(Tables, ResetMovesIt) {
  exec(db, "INSERT INTO facts VALUES('a','1')");
  const uint64_t g = db.generation();
  db.reset();
  EXPECT_GT(db.generation(), g);
}

TEST_F(Tables, CacheComputesOncePerGeneration) {
  GenerationCache<std::string, std::string> cache(db);
  int computed = 0;
  auto read = [&] {
    return cache.get("a", [&] {
      ++computed;
      return db.run([](Database& d) {
        auto st = d.prepare("SELECT COALESCE((SELECT v FROM facts WHERE k='a'), '-')");
        st.step();
        return st.text(0);
      });
    });
  };
  EXPECT_EQ(read(), "-");
  EXPECT_EQ(read(), "-");
  EXPECT_EQ(computed, 1);
  exec(db, "INSERT INTO stamps VALUES('x', 1)");  // volatile: still cached
  EXPECT_EQ(read(), "-");
  EXPECT_EQ(computed, 1);
  exec(db, "INSERT INTO facts VALUES('a','1')");
  EXPECT_EQ(read(), "1");
  EXPECT_EQ(computed, 2);
}

TEST_F(Tables, CacheIsBounded) {
  GenerationCache<int, int> cache(db, 4);
  int computed = 0;
  for (int i = 0; i < 10; ++i) cache.get(i, [&] { return ++computed; });
  EXPECT_EQ(cache.get(9, [&] { return -1; }), 10);  // the newest is kept
  EXPECT_EQ(computed, 10);
}

TEST(InMemoryDb, EachIsItsOwnAndNotDurable) {
  Db a(":memory:"), b(":memory:");
  EXPECT_FALSE(a.durable());
  a.run([](Database& d) { d.exec("CREATE TABLE only_in_a(x)"); });
  EXPECT_NO_THROW(b.run([](Database& d) { d.exec("CREATE TABLE only_in_a(x)"); }));  // b does not see a's table
}

TEST(InMemoryDb, MayGrowPastOneGibibyte) {
  Db db(":memory:");
  sqlite3_int64 limit = -1;  // negative: asks for the current limit
  db.run([&](Database& d) { sqlite3_file_control(d.raw(), "main", SQLITE_FCNTL_SIZE_LIMIT, &limit); });
  EXPECT_GT(limit, sqlite3_int64{1} << 40);
}

TEST(InMemoryDb, TransactionsStillRollBack) {
  Db db(":memory:");
  db.run([](Database& d) { d.exec("CREATE TABLE t(x)"); });
  EXPECT_THROW(db.transaction([](Database& d) {
    d.prepare("INSERT INTO t VALUES(1)").run();
    throw std::runtime_error("abandon");
  }),
               std::runtime_error);
  EXPECT_EQ(db.run([](Database& d) {
    auto st = d.prepare("SELECT count(*) FROM t");
    st.step();
    return st.i64(0);
  }),
            0);
}

}  // namespace
}  // namespace orgroot::store
