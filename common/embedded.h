#pragma once
// Files compiled into the binary (data tables, schemas), see cmake/embed_files.cmake.

#include <string_view>

namespace metrogw {

struct EmbeddedFile {
  std::string_view name;  // base name, e.g. "gender.tsv"
  std::string_view text;
};

}  // namespace metrogw
