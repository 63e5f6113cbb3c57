#include "services/iam/qr_png.h"

#include <gtest/gtest.h>
#include <png.h>
#include <qrencode.h>

#include <vector>

namespace orgroot::services::iam {
namespace {

uint32_t be32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) | (uint32_t(uint8_t(s[at + 2])) << 8) |
         uint32_t(uint8_t(s[at + 3]));
}

TEST(QrPng, IsAValidPngOfTheQrCode) {
  const std::string uri = otpauth_uri("alice-mfa", "111122223333", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(uri, "otpauth://totp/alice-mfa@111122223333?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  auto png = qr_png(uri, 4);
  ASSERT_TRUE(png);
  ASSERT_GT(png->size(), 33u);
  EXPECT_EQ(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(be32(*png, 8), 13u);           // IHDR length
  EXPECT_EQ(png->substr(12, 4), "IHDR");
  uint32_t w = be32(*png, 16), h = be32(*png, 20);
  EXPECT_EQ(w, h);
  EXPECT_EQ(png->substr(png->size() - 8, 4), "IEND");

  // Decode it and compare every module with libqrencode's matrix.
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_memory(&img, png->data(), png->size()));
  img.format = PNG_FORMAT_GRAY;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(img));
  ASSERT_TRUE(png_image_finish_read(&img, nullptr, pixels.data(), 0, nullptr));
  ASSERT_EQ(img.width, w);
  QRcode* qr = QRcode_encodeString8bit(uri.c_str(), 0, QR_ECLEVEL_M);
  ASSERT_NE(qr, nullptr);
  ASSERT_EQ(w, uint32_t((qr->width + 8) * 4));
  int mismatches = 0;
  for (int y = 0; y < qr->width; ++y)
    for (int x = 0; x < qr->width; ++x) {
      bool dark = qr->data[y * qr->width + x] & 1;
      uint8_t px = pixels[size_t((y + 4) * 4 + 1) * w + size_t((x + 4) * 4 + 1)];
      if (dark != (px == 0)) ++mismatches;
    }
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(pixels[0], 255);  // quiet zone is white
  QRcode_free(qr);
}

}  // namespace
}  // namespace orgroot::services::iam
