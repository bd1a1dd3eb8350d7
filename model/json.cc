// Canonical JSON for envelopes, driven by the schema compiled into the binary.
#include <flatbuffers/idl.h>

#include <memory>

#include "common/embedded.h"
#include "model/model.h"

namespace metrogw {
extern const EmbeddedFile kModelSchemaFiles[];
}  // namespace metrogw

namespace metrogw::model {

namespace {

// One parser per thread: flatbuffers::Parser keeps state while parsing JSON.
[[nodiscard]] StatusOr<flatbuffers::Parser*> schemaParser(bool indent) {
  thread_local std::unique_ptr<flatbuffers::Parser> parsers[2];
  auto& slot = parsers[indent ? 1 : 0];
  if (!slot) {
    flatbuffers::IDLOptions opts;
    opts.strict_json = true;
    opts.output_enum_identifiers = true;
    opts.natural_utf8 = true;
    opts.indent_step = indent ? 2 : -1;
    auto parser = std::make_unique<flatbuffers::Parser>(opts);
    const std::string schema(kModelSchemaFiles[0].text);
    if (!parser->Parse(schema.c_str())) {
      return Status::internal("embedded schema does not parse: " + parser->error_);
    }
    slot = std::move(parser);
  }
  return slot.get();
}

}  // namespace

StatusOr<std::string> toJson(std::string_view bytes, bool indent) {
  auto env = verify(bytes);
  if (!env.isOk()) return env.status();
  ASSIGN_OR_RETURN(flatbuffers::Parser * parser, schemaParser(indent));
  std::string text;
  if (!flatbuffers::GenerateText(*parser, bytes.data(), &text)) {
    return Status::malformedMessage("envelope holds a string that is not valid UTF-8");
  }
  return text;
}

StatusOr<std::string> bodyToJson(std::string_view bytes, bool indent) {
  auto env = verify(bytes);
  if (!env.isOk()) return env.status();
  if ((*env)->body_type() == Body::NONE || (*env)->body() == nullptr) return std::string("{}");
  ASSIGN_OR_RETURN(flatbuffers::Parser * parser, schemaParser(indent));
  const std::string table = std::string("metrogw.model.") + EnumNameBody((*env)->body_type());
  std::string text;
  if (!flatbuffers::GenerateTextFromTable(*parser, (*env)->body(), table, &text)) {
    return Status::malformedMessage("envelope holds a string that is not valid UTF-8");
  }
  return text;
}

StatusOr<std::string> fromJson(std::string_view json) {
  ASSIGN_OR_RETURN(flatbuffers::Parser * parser, schemaParser(true));
  const std::string text(json);
  if (!parser->ParseJson(text.c_str())) {
    return Status::malformedMessage("canonical JSON: " + parser->error_);
  }
  std::string out(reinterpret_cast<const char*>(parser->builder_.GetBufferPointer()),
                  parser->builder_.GetSize());
  parser->builder_.Clear();
  return out;
}

}  // namespace metrogw::model
