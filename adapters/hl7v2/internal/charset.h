#pragma once
// Character sets named in MSH-18, and conversion of GB18030 (GBK, GB2312) text to UTF-8 (glibc iconv).

#include <string>
#include <string_view>

#include "common/status.h"

namespace metrogw::adapters::hl7v2::internal {

enum class Charset { kUtf8, kGb18030, kUnknown };

// "UNICODE UTF-8", "UTF-8", "ASCII", "" -> kUtf8; "GB 18030-2000", "GB18030", "GBK", "GB2312" -> kGb18030.
[[nodiscard]] Charset charsetFromName(std::string_view name);

// Whole-text conversion; the error names the byte offset of the first bad sequence.
[[nodiscard]] StatusOr<std::string> gb18030ToUtf8(std::string_view text);
// UTF-8 -> GB18030 (for peers that want it and for tests).
[[nodiscard]] StatusOr<std::string> utf8ToGb18030(std::string_view text);

// Offset of the first byte that is not part of a valid UTF-8 sequence, or npos.
[[nodiscard]] size_t invalidUtf8At(std::string_view text);

}  // namespace metrogw::adapters::hl7v2::internal
