// The root user's password-reset tokens (component "root-user" of the shared database). Only a
// SHA-256 of each token is kept: the token itself exists in the mail that carries it, nowhere else.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/db.h"

namespace orgroot::services::rootuser {

struct ResetTokenRecord {
  std::string token_hash;  // lowercase hex SHA-256 of the token
  std::string account_id;
  double created_at = 0;
  double expires_at = 0;
  double used_at = 0;  // 0 = not used
};

// A token's hash as stored.
std::string token_hash(std::string_view token);

class ResetTokenStore {
 public:
  explicit ResetTokenStore(store::Db& db);

  void insert(const ResetTokenRecord& r);
  std::optional<ResetTokenRecord> find(const std::string& hash);
  // Marks the token used if it is still usable at `now` (unused, not expired); false otherwise.
  // Atomic: of two concurrent resets with one token, one wins.
  bool consume(const std::string& hash, double now);
  // Ends every unused token of the account (its password changed, or recovery was refused).
  void revoke_account(const std::string& account_id, double now);

 private:
  store::Db& db_;
};

}  // namespace orgroot::services::rootuser
