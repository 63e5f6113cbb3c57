#pragma once
#include <string_view>
#include <vector>

namespace orgroot::store {
// Numbered schema migrations; index 0 is version 1. Append only: never edit a released one.
const std::vector<std::string_view>& schema_migrations();
}  // namespace orgroot::store
