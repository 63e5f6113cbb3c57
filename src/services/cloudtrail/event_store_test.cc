// The trail store's writer: group commit, read-your-writes for lookups, durability of writes
// across a reopen, and the schema migration from the first layout; and the in-memory ring:
// retention, order, cursors, concurrency and reset.
#include "services/cloudtrail/event_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

namespace orgroot::services::cloudtrail {
namespace {

constexpr double kT0 = 1760000000;
const std::string kA = "111111111111";

AuditCall call(const std::string& op, double t, std::vector<AuditResource> resources = {}) {
  AuditCall c;
  c.request_id = "req";
  c.event_time = t;
  c.service = "iam";
  c.operation = op;
  c.region = "us-east-1";
  c.principal.type = auth::PrincipalType::IamUser;
  c.principal.account_id = kA;
  c.principal.user_name = "alice";
  c.principal.arn = "arn:aws:iam::" + kA + ":user/alice";
  c.principal.access_key_id = "AKIAALICE00000000001";
  c.recipient_accounts = {kA};
  c.resources = std::move(resources);
  return c;
}

int64_t rows_in_table(store::Db& db) {
  return db.run([](store::Database& d) {
    auto st = d.prepare("SELECT count(*) FROM cloudtrail_events");
    st.step();
    return st.i64(0);
  });
}

TEST(EventStoreWriter, WritesAreCommittedBeforeRecordReturns) {
  const std::string path = ::testing::TempDir() + "/event_store_write_test.db";
  std::remove(path.c_str());
  {
    store::Db db(path);
    EventStore s(db, nullptr);
    for (int i = 0; i < 20; ++i) {
      s.record(call("CreateUser", kT0 + i));
      // No flush: on disk, a write's record is in the table when record() returns.
      EXPECT_EQ(rows_in_table(db), i + 1);
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

TEST(EventStoreWriter, KeepsTheNewestEventsWhenBounded) {
  store::Db db(":memory:");
  EventStore s(db, nullptr, 100);
  for (int i = 0; i < 1000; ++i)
    s.record(call(i % 2 ? "GetUser" : "CreateUser", kT0 + i, {{kA, "AWS::IAM::User", "arn:aws:iam::" + kA + ":user/u" + std::to_string(i)}}));
  s.flush();
  const int64_t n = rows_in_table(db);
  EXPECT_EQ(n, 100);
  EventQuery q;
  q.account_id = kA;
  q.limit = 1000;
  auto rows = s.lookup(q);
  ASSERT_EQ(static_cast<int64_t>(rows.size()), n);
  EXPECT_DOUBLE_EQ(rows.front().event_time, kT0 + 999);  // the newest are the ones kept
  EXPECT_DOUBLE_EQ(rows.back().event_time, kT0 + 1000 - static_cast<double>(n));
  // A dropped event is not found by its resource either; the keys of dropped events are swept
  // now and then, so few are left.
  EventQuery by_name;
  by_name.account_id = kA;
  by_name.key = LookupKey::ResourceName;
  by_name.value = "u3";
  EXPECT_TRUE(s.lookup(by_name).empty());
  by_name.value = "u999";
  EXPECT_EQ(s.lookup(by_name).size(), 1u);
  const int64_t orphans = db.run([](store::Database& d) {
    auto st = d.prepare("SELECT count(DISTINCT seq) FROM cloudtrail_event_keys WHERE seq NOT IN (SELECT seq FROM cloudtrail_events)");
    st.step();
    return st.i64(0);
  });
  EXPECT_LE(orphans, 100 / 4 + 100 / 8);
}

TEST(EventStoreWriter, InMemoryWritesAreQueuedAndLookupsStillSeeThem) {
  store::Db db(":memory:");
  EventStore s(db, nullptr);
  for (int i = 0; i < 20; ++i) s.record(call("CreateUser", kT0 + i));
  EventQuery q;
  q.account_id = kA;
  q.limit = 100;
  auto rows = s.lookup(q);  // flushes what is queued first
  ASSERT_EQ(rows.size(), 20u);
  EXPECT_EQ(rows.front().event_name, "CreateUser");
  EXPECT_FALSE(rows.front().read_only);
}

TEST(EventStoreWriter, LookupSeesReadOnlyCallsRecordedBeforeIt) {
  store::Db db(":memory:");
  EventStore s(db, nullptr);
  for (int i = 0; i < 500; ++i) s.record(call("GetUser", kT0 + i));
  EventQuery q;
  q.account_id = kA;
  q.limit = 1000;
  auto rows = s.lookup(q);
  ASSERT_EQ(rows.size(), 500u);
  EXPECT_EQ(rows.front().event_name, "GetUser");
  EXPECT_DOUBLE_EQ(rows.front().event_time, kT0 + 499);  // newest first
  EXPECT_TRUE(rows.front().read_only);
}

TEST(EventStoreWriter, ManyThreadsLoseNothingAndIdsAreUnique) {
  store::Db db(":memory:");
  EventStore s(db, nullptr);
  constexpr int kThreads = 4, kEach = 300;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) s.record(call(i % 3 ? "GetUser" : "CreateUser", kT0 + t));
    });
  for (auto& t : ts) t.join();
  s.flush();
  EXPECT_EQ(rows_in_table(db), kThreads * kEach);
  const int64_t distinct = db.run([](store::Database& d) {
    auto st = d.prepare("SELECT count(DISTINCT event_id) FROM cloudtrail_events");
    st.step();
    return st.i64(0);
  });
  EXPECT_EQ(distinct, kThreads * kEach);
}

TEST(EventStoreWriter, DestructorCommitsWhatIsQueued) {
  const std::string path = ::testing::TempDir() + "/event_store_drain_test.db";
  std::remove(path.c_str());
  {
    store::Db db(path);
    EventStore s(db, nullptr);
    for (int i = 0; i < 300; ++i) s.record(call("ListUsers", kT0 + i));
  }
  store::Db db(path);
  EventStore s(db, nullptr);
  EventQuery q;
  q.account_id = kA;
  q.key = LookupKey::EventName;
  q.value = "ListUsers";
  q.limit = 1000;
  EXPECT_EQ(s.lookup(q).size(), 300u);
  std::remove(path.c_str());
}

TEST(EventStoreWriter, ResetDropsEverythingRecordedBeforeIt) {
  store::Db db(":memory:");
  EventStore s(db, nullptr);
  for (int i = 0; i < 200; ++i) s.record(call("GetUser", kT0 + i));
  db.reset();
  EXPECT_EQ(rows_in_table(db), 0);
  EventQuery q;
  q.account_id = kA;
  EXPECT_TRUE(s.lookup(q).empty());
}

TEST(EventStoreWriter, ResourceLookupsByTypeNameAndArn) {
  store::Db db(":memory:");
  EventStore s(db, nullptr);
  s.record(call("CreateBucket", kT0, {{kA, "AWS::S3::Bucket", "arn:aws:s3:::logs"}}));
  s.record(call("CreateUser", kT0 + 1, {{kA, "AWS::IAM::User", "arn:aws:iam::111111111111:user/bob"}}));
  auto find = [&](LookupKey k, const std::string& v) {
    EventQuery q;
    q.account_id = kA;
    q.key = k;
    q.value = v;
    return s.lookup(q);
  };
  auto by_name = find(LookupKey::ResourceName, "logs");
  ASSERT_EQ(by_name.size(), 1u);
  EXPECT_EQ(by_name[0].event_name, "CreateBucket");
  ASSERT_EQ(by_name[0].resources.size(), 1u);
  EXPECT_EQ(by_name[0].resources[0].first, "AWS::S3::Bucket");
  EXPECT_EQ(by_name[0].resources[0].second, "logs");
  EXPECT_EQ(find(LookupKey::ResourceName, "arn:aws:s3:::logs").size(), 1u);
  EXPECT_EQ(find(LookupKey::ResourceType, "AWS::IAM::User").size(), 1u);
  EXPECT_EQ(find(LookupKey::ResourceType, "AWS::IAM::User")[0].event_name, "CreateUser");
  EXPECT_TRUE(find(LookupKey::ResourceName, "nothing").empty());
}

EventQuery everything() {
  EventQuery q;
  q.account_id = kA;
  q.limit = 100000;
  return q;
}

TEST(EventRing, KeepsTheNewestEventsWhenBoundedAndWritesNoTable) {
  store::Db db(":memory:");
  EventStore s(db, nullptr, 100, TrailStorage::Memory);
  for (int i = 0; i < 1000; ++i)
    s.record(call(i % 2 ? "GetUser" : "CreateUser", kT0 + i, {{kA, "AWS::IAM::User", "arn:aws:iam::" + kA + ":user/u" + std::to_string(i)}}));
  EXPECT_EQ(s.count(), 100u);
  auto rows = s.lookup(everything());
  ASSERT_EQ(rows.size(), 100u);
  EXPECT_DOUBLE_EQ(rows.front().event_time, kT0 + 999);
  EXPECT_DOUBLE_EQ(rows.back().event_time, kT0 + 900);
  EXPECT_EQ(rows.front().seq, 1000);
  EventQuery by_name = everything();
  by_name.key = LookupKey::ResourceName;
  by_name.value = "u3";
  EXPECT_TRUE(s.lookup(by_name).empty());  // dropped
  by_name.value = "u999";
  EXPECT_EQ(s.lookup(by_name).size(), 1u);
  by_name.value = "arn:aws:iam::" + kA + ":user/u998";
  EXPECT_EQ(s.lookup(by_name).size(), 1u);
  // Nothing of the trail is in the database.
  const int64_t tables = db.run([](store::Database& d) {
    auto st = d.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE 'cloudtrail%'");
    st.step();
    return st.i64(0);
  });
  EXPECT_EQ(tables, 0);
}

TEST(EventRing, UnboundedKeepsEverything) {
  store::Db db(":memory:");
  EventStore s(db, nullptr, 0, TrailStorage::Memory);
  for (int i = 0; i < 3000; ++i) s.record(call("GetUser", kT0 + i));
  EXPECT_EQ(s.count(), 3000u);
  EXPECT_EQ(s.lookup(everything()).size(), 3000u);
}

// A call's time is when it started; its record comes when it ends, so times can be out of
// recording order. Lookups order by time, then by recording order, as the database does.
TEST(EventRing, OrdersByTimeThenRecordingOrderAndPagesByCursor) {
  for (auto storage : {TrailStorage::Database, TrailStorage::Memory}) {
    SCOPED_TRACE(storage == TrailStorage::Database ? "database" : "memory");
    store::Db db(":memory:");
    EventStore s(db, nullptr, 0, storage);
    const double times[] = {kT0 + 5, kT0 + 3, kT0 + 5, kT0 + 9, kT0 + 3, kT0 + 7};
    for (double t : times) s.record(call("GetUser", t));
    auto all = s.lookup(everything());
    std::vector<std::pair<double, int64_t>> got;
    for (const auto& e : all) got.emplace_back(e.event_time - kT0, e.seq);
    const std::vector<std::pair<double, int64_t>> want = {{9, 4}, {7, 6}, {5, 3}, {5, 1}, {3, 5}, {3, 2}};
    EXPECT_EQ(got, want);
    // limit + 1 rows, then the rest after the last one shown.
    EventQuery page = everything();
    page.limit = 2;
    auto first = s.lookup(page);
    ASSERT_EQ(first.size(), 3u);
    page.after = std::make_pair(first[1].event_time, first[1].seq);
    auto second = s.lookup(page);
    ASSERT_EQ(second.size(), 3u);
    EXPECT_EQ(second[0].seq, 3);
    EXPECT_EQ(second[1].seq, 1);
    // A time range, inclusive at both ends.
    EventQuery range = everything();
    range.start_time = kT0 + 3;
    range.end_time = kT0 + 5;
    EXPECT_EQ(s.lookup(range).size(), 4u);
  }
}

TEST(EventRing, EachLookupKeyAndOnlyTheAccount) {
  store::Db db(":memory:");
  EventStore s(db, nullptr, 0, TrailStorage::Memory);
  s.record(call("CreateUser", kT0, {{kA, "AWS::IAM::User", "arn:aws:iam::" + kA + ":user/bob"}}));
  s.record(call("GetUser", kT0 + 1));
  AuditCall other = call("GetUser", kT0 + 2);
  other.recipient_accounts = {"222222222222"};
  s.record(other);
  auto find = [&](LookupKey k, const std::string& v) {
    EventQuery q = everything();
    q.key = k;
    q.value = v;
    return s.lookup(q).size();
  };
  EXPECT_EQ(find(LookupKey::None, ""), 2u);
  EXPECT_EQ(find(LookupKey::EventName, "GetUser"), 1u);
  EXPECT_EQ(find(LookupKey::ReadOnly, "true"), 1u);
  EXPECT_EQ(find(LookupKey::ReadOnly, "false"), 1u);
  EXPECT_EQ(find(LookupKey::Username, "alice"), 2u);
  EXPECT_EQ(find(LookupKey::Username, "bob"), 0u);
  EXPECT_EQ(find(LookupKey::EventSource, "iam.amazonaws.com"), 2u);
  EXPECT_EQ(find(LookupKey::AccessKeyId, "AKIAALICE00000000001"), 2u);
  EXPECT_EQ(find(LookupKey::ResourceType, "AWS::IAM::User"), 1u);
  EXPECT_EQ(find(LookupKey::ResourceName, "bob"), 1u);
  const std::string id = s.lookup(everything()).back().event_id;
  EXPECT_EQ(find(LookupKey::EventId, id), 1u);
  EXPECT_EQ(find(LookupKey::EventId, "nope"), 0u);
}

TEST(EventRing, ManyThreadsLoseNothingAndIdsAreUnique) {
  store::Db db(":memory:");
  EventStore s(db, nullptr, 0, TrailStorage::Memory);
  constexpr int kThreads = 4, kEach = 300;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) s.record(call(i % 3 ? "GetUser" : "CreateUser", kT0 + t));
    });
  // Lookups while others record.
  for (int i = 0; i < 20; ++i) EXPECT_LE(s.lookup(everything()).size(), static_cast<size_t>(kThreads * kEach));
  for (auto& t : ts) t.join();
  auto rows = s.lookup(everything());
  ASSERT_EQ(rows.size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> ids;
  std::set<int64_t> seqs;
  for (const auto& e : rows) {
    ids.insert(e.event_id);
    seqs.insert(e.seq);
  }
  EXPECT_EQ(ids.size(), rows.size());
  EXPECT_EQ(seqs.size(), rows.size());
}

TEST(EventRing, ResetDropsEverything) {
  store::Db db(":memory:");
  EventStore s(db, nullptr, 0, TrailStorage::Memory);
  for (int i = 0; i < 200; ++i) s.record(call("GetUser", kT0 + i));
  db.reset();
  EXPECT_EQ(s.count(), 0u);
  EXPECT_TRUE(s.lookup(everything()).empty());
  s.record(call("GetUser", kT0));
  EXPECT_EQ(s.count(), 1u);
}

// A data directory written by the first schema keeps its events, resources included.
TEST(EventStoreMigration, FirstLayoutIsCarriedOver) {
  store::Db db(":memory:");
  db.migrate("cloudtrail", {migrations()[0]});
  db.run([](store::Database& d) {
    d.exec(
        "INSERT INTO cloudtrail_events(account_id, event_id, event_time, event_name, event_source, username, "
        "access_key_id, read_only, record) VALUES('111111111111','e-1',1760000000,'PutBucketPolicy',"
        "'s3.amazonaws.com','alice','AKIAX',0,'{}');"
        "INSERT INTO cloudtrail_event_resources(seq, account_id, resource_type, resource_name, resource_arn) "
        "VALUES(1,'111111111111','AWS::S3::Bucket','logs','arn:aws:s3:::logs');");
  });
  EventStore s(db, nullptr);  // applies migration 2
  EXPECT_EQ(db.schema_version("cloudtrail"), 2);
  EventQuery q;
  q.account_id = kA;
  q.key = LookupKey::ResourceName;
  q.value = "arn:aws:s3:::logs";
  auto rows = s.lookup(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].event_id, "e-1");
  ASSERT_EQ(rows[0].resources.size(), 1u);
  EXPECT_EQ(rows[0].resources[0].second, "logs");
  q.key = LookupKey::Username;
  q.value = "alice";
  EXPECT_EQ(s.lookup(q).size(), 1u);
}

}  // namespace
}  // namespace orgroot::services::cloudtrail
