// RFC 4226 HOTP / RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) and RFC 4648 base32, for
// IAM virtual MFA devices. check_mfa_code() is what sign-in (and anything else that accepts an
// MFA code) calls to verify a code against a device enabled through EnableMFADevice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace orgroot::services::iam {

class CredentialsStore;

namespace totp {

inline constexpr int kStepSeconds = 30;
inline constexpr int kDigits = 6;

// RFC 4648 base32, upper case, '=' padded only when the length needs it (20 bytes need none).
std::string base32_encode(std::string_view bytes);
// Accepts upper/lower case, ignores '=' padding and spaces; nullopt on any other character.
std::optional<std::string> base32_decode(std::string_view text);

// HOTP value of `counter` under `key` (raw bytes), zero-padded to `digits` (6..8).
std::string hotp(std::string_view key, uint64_t counter, int digits = kDigits);
// The time step that contains `unix_time`.
inline int64_t step_of(int64_t unix_time) { return unix_time / kStepSeconds; }
// TOTP at a Unix time.
inline std::string code_at(std::string_view key, int64_t unix_time, int digits = kDigits) {
  return hotp(key, static_cast<uint64_t>(step_of(unix_time)), digits);
}

// The step in [center - behind, center + ahead] whose code equals `code` (constant-time
// comparison), earliest first; nullopt if none.
std::optional<int64_t> match_step(std::string_view key, std::string_view code, int64_t center, int behind, int ahead);
// Two consecutive codes as EnableMFADevice / ResyncMFADevice take them: code1 at step s and code2
// at s + 1, for some s in [center - behind, center + ahead]. Returns s + 1 (the step of code2).
std::optional<int64_t> match_consecutive(std::string_view key, std::string_view code1, std::string_view code2,
                                         int64_t center, int behind, int ahead);

}  // namespace totp

// Verifies one MFA code for the device `serial_number` of `account_id` (an enabled virtual MFA
// device): accepted within one step either side of the device's (resynchronized) time, never at
// or before a step already used (a code works once). Returns false for an unknown or unassigned
// device. On success the used step is recorded.
bool check_mfa_code(CredentialsStore& store, const Clock& clock, const std::string& account_id,
                    const std::string& serial_number, std::string_view code);

}  // namespace orgroot::services::iam
