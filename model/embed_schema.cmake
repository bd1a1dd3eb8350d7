# Writes the schema file IN as a C++ string constant into OUT (cmake -P script).
file(READ ${IN} SCHEMA_TEXT)
file(WRITE ${OUT} "// Generated from metrogw.fbs; do not edit.\n#include <string_view>\n\nnamespace metrogw::model {\nextern const std::string_view kSchemaText;\nconst std::string_view kSchemaText = R\"metrogw_fbs(${SCHEMA_TEXT})metrogw_fbs\";\n}  // namespace metrogw::model\n")
