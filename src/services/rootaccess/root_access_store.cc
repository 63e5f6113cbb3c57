#include "services/rootaccess/root_access_store.h"

namespace orgroot::services {

RootAccessStore::RootAccessStore(store::Db& db) : db_(db) {
  db_.migrate("root-access", {R"sql(
CREATE TABLE root_access_features(
  organization_id        TEXT PRIMARY KEY,
  credentials_management INTEGER NOT NULL,
  root_sessions          INTEGER NOT NULL
);
)sql"});
}

RootAccessFeatures RootAccessStore::get(const std::string& organization_id) {
  return db_.run([&](store::Database& db) {
    auto st = db.prepare(
        "SELECT credentials_management, root_sessions FROM root_access_features WHERE organization_id=?");
    st.bind(1, organization_id);
    RootAccessFeatures f;
    if (st.step()) {
      f.credentials_management = st.i64(0) != 0;
      f.root_sessions = st.i64(1) != 0;
    }
    return f;
  });
}

void RootAccessStore::put(const std::string& organization_id, const RootAccessFeatures& f) {
  db_.run([&](store::Database& db) {
    db.prepare(
          "INSERT INTO root_access_features(organization_id, credentials_management, root_sessions) VALUES(?,?,?) "
          "ON CONFLICT(organization_id) DO UPDATE SET credentials_management=excluded.credentials_management, "
          "root_sessions=excluded.root_sessions")
        .bind(1, organization_id)
        .bind(2, f.credentials_management)
        .bind(3, f.root_sessions)
        .run();
  });
}

}  // namespace orgroot::services
