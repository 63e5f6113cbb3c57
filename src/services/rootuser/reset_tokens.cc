#include "services/rootuser/reset_tokens.h"

#include "auth/crypto.h"

namespace orgroot::services::rootuser {

std::string token_hash(std::string_view token) { return crypto::sha256_hex(token); }

ResetTokenStore::ResetTokenStore(store::Db& db) : db_(db) {
  db_.migrate("root-user", {R"sql(
CREATE TABLE root_password_reset_tokens(
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  created_at REAL NOT NULL,
  expires_at REAL NOT NULL,
  used_at    REAL
);
CREATE INDEX root_password_reset_tokens_by_account ON root_password_reset_tokens(account_id);
)sql"});
}

void ResetTokenStore::insert(const ResetTokenRecord& r) {
  db_.transaction([&](store::Database& db) {
    // Tokens long past their hour are of no use to anyone: drop them as new ones arrive.
    db.prepare("DELETE FROM root_password_reset_tokens WHERE expires_at < ?").bind(1, r.created_at - 86400).run();
    db.prepare(
          "INSERT INTO root_password_reset_tokens(token_hash, account_id, created_at, expires_at, used_at) "
          "VALUES(?,?,?,?,NULL)")
        .bind(1, r.token_hash)
        .bind(2, r.account_id)
        .bind(3, r.created_at)
        .bind(4, r.expires_at)
        .run();
  });
}

std::optional<ResetTokenRecord> ResetTokenStore::find(const std::string& hash) {
  return db_.run([&](store::Database& db) -> std::optional<ResetTokenRecord> {
    auto st = db.prepare(
        "SELECT token_hash, account_id, created_at, expires_at, coalesce(used_at, 0) FROM root_password_reset_tokens "
        "WHERE token_hash=?");
    st.bind(1, hash);
    if (!st.step()) return std::nullopt;
    return ResetTokenRecord{st.text(0), st.text(1), st.f64(2), st.f64(3), st.f64(4)};
  });
}

bool ResetTokenStore::consume(const std::string& hash, double now) {
  return db_.run([&](store::Database& db) {
    db.prepare(
          "UPDATE root_password_reset_tokens SET used_at=? WHERE token_hash=? AND used_at IS NULL AND expires_at>?")
        .bind(1, now)
        .bind(2, hash)
        .bind(3, now)
        .run();
    return db.changes() == 1;
  });
}

void ResetTokenStore::revoke_account(const std::string& account_id, double now) {
  db_.run([&](store::Database& db) {
    db.prepare("UPDATE root_password_reset_tokens SET used_at=? WHERE account_id=? AND used_at IS NULL")
        .bind(1, now)
        .bind(2, account_id)
        .run();
  });
}

}  // namespace orgroot::services::rootuser
