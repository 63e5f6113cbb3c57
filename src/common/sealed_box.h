// Authenticated encryption of small records with a server-held key (AES-256-GCM): what the server
// hands to clients and must get back unaltered, such as temporary sessions in their tokens.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/ids.h"

namespace orgroot::sealed {

using Key = std::array<unsigned char, 32>;

Key new_key(Random& r);

// nonce (12 bytes) || ciphertext || tag (16 bytes). `context` is authenticated but not stored: a
// box opens only with the context it was sealed with.
std::string seal(const Key& key, std::string_view plaintext, std::string_view context, Random& r);
// The plaintext, or nothing when the box was sealed with another key or context, or was altered.
std::optional<std::string> open(const Key& key, std::string_view box, std::string_view context);

// Standard base64 with padding, and its inverse (nothing for malformed text).
std::string base64(std::string_view bytes);
std::optional<std::string> unbase64(std::string_view text);

}  // namespace orgroot::sealed
