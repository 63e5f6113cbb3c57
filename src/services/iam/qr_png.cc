#include "services/iam/qr_png.h"

#include <png.h>
#include <qrencode.h>

#include <memory>
#include <vector>

namespace orgroot::services::iam {

namespace {

void write_to_string(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), n);
}
void flush_nothing(png_structp) {}

std::string uri_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '@' || c == '+' || c == '=' || c == ',') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::string otpauth_uri(std::string_view device_name, std::string_view account_id, std::string_view base32_secret) {
  std::string secret;
  for (char c : base32_secret)
    if (c != '=') secret.push_back(c);
  return "otpauth://totp/" + uri_escape(device_name) + "@" + std::string(account_id) + "?secret=" + secret;
}

std::optional<std::string> qr_png(std::string_view text, int scale) {
  std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(QRcode_encodeString8bit(input.c_str(), 0, QR_ECLEVEL_M),
                                                     &QRcode_free);
  if (!qr) return std::nullopt;
  const int border = 4;
  const int modules = qr->width + 2 * border;
  const int size = modules * scale;

  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return std::nullopt;
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return std::nullopt;
  }
  std::vector<png_byte> row(static_cast<size_t>(size));
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return std::nullopt;
  }
  png_set_write_fn(png, &out, write_to_string, flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(size), static_cast<png_uint_32>(size), 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < size; ++y) {
    int my = y / scale - border;
    for (int x = 0; x < size; ++x) {
      int mx = x / scale - border;
      bool dark = my >= 0 && my < qr->width && mx >= 0 && mx < qr->width &&
                  (qr->data[my * qr->width + mx] & 1);
      row[static_cast<size_t>(x)] = dark ? 0 : 255;
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace orgroot::services::iam
