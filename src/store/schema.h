#pragma once
#include <string_view>
#include <vector>

namespace orgroot::store {
// The "identity" component's numbered migrations (accounts, users, keys, sessions); index 0 is
// version 1. Append only: never edit a released one.
const std::vector<std::string_view>& identity_schema_migrations();
}  // namespace orgroot::store
