#include "services/rootuser/password_rules.h"

#include <strings.h>

namespace orgroot::services::rootuser {

namespace {
bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return strncasecmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace

std::optional<std::string> root_password_problem(std::string_view pw, std::string_view account_name,
                                                 std::string_view email) {
  if (pw.size() < kMinPasswordLength || pw.size() > kMaxPasswordLength)
    return "The password must be 8 to 128 characters long.";
  bool upper = false, lower = false, digit = false, symbol = false;
  for (char ch : pw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return "The password must not contain control characters.";
    if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= '0' && c <= '9') digit = true;
    else symbol = true;  // punctuation, space and anything beyond ASCII
  }
  if (int(upper) + int(lower) + int(digit) + int(symbol) < 3)
    return "The password must contain at least three of the following: uppercase letters, lowercase letters, "
           "numbers, and symbols (such as ! @ # $ % ^ & * ( ) < > [ ] { } | _ + - =).";
  if (same_ignoring_case(pw, account_name) || same_ignoring_case(pw, email))
    return "The password must not be the same as the AWS account name or email address.";
  return std::nullopt;
}

}  // namespace orgroot::services::rootuser
