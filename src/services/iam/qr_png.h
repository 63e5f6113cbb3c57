// QR codes as PNG images (libqrencode + libpng): the QRCodePNG of CreateVirtualMFADevice.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace orgroot::services::iam {

// A PNG (8-bit grayscale, black modules on white, 4-module quiet zone, `scale` pixels per
// module) of the QR code for `text` (byte mode, error correction level M). nullopt if the text
// cannot be encoded.
std::optional<std::string> qr_png(std::string_view text, int scale = 4);

// The otpauth URI an authenticator app reads: otpauth://totp/<name>@<account>?secret=<base32>
std::string otpauth_uri(std::string_view device_name, std::string_view account_id, std::string_view base32_secret);

}  // namespace orgroot::services::iam
