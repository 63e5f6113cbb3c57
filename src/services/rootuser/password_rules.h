// AWS's rules for a root user's password (AWS account root user guide, "Change the password"):
// 8 to 128 characters, at least three of uppercase letters, lowercase letters, numbers and
// symbols, and not the account's name or email address. Account password policies apply to IAM
// users only, never to the root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orgroot::services::rootuser {

inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kMaxPasswordLength = 128;

// What is wrong with `password`, in words for the person choosing it; nullopt when it is acceptable.
std::optional<std::string> root_password_problem(std::string_view password, std::string_view account_name,
                                                 std::string_view email);

}  // namespace orgroot::services::rootuser
