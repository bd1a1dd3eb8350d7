// Small constructors for canonical model objects used by the world builders and the dispatcher.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "model/model.h"

namespace metrogw::sim {

[[nodiscard]] inline std::unique_ptr<model::ReferenceT> makeRef(std::string_view kind, std::string_view id,
                                                                std::string_view display,
                                                                std::string_view city) {
  auto r = std::make_unique<model::ReferenceT>();
  r->kind = kind;
  r->id = id;
  r->display = display;
  r->city = city;
  return r;
}

[[nodiscard]] inline std::unique_ptr<model::IdentifierT> makeIdentifier(std::string_view system,
                                                                        std::string_view value,
                                                                        std::string_view type = {}) {
  auto i = std::make_unique<model::IdentifierT>();
  i->system = system;
  i->value = value;
  i->type = type;
  return i;
}

[[nodiscard]] inline std::unique_ptr<model::CodingT> makeCoding(std::string_view system,
                                                                std::string_view code,
                                                                std::string_view display) {
  auto c = std::make_unique<model::CodingT>();
  c->system = system;
  c->code = code;
  c->display = display;
  return c;
}

[[nodiscard]] inline std::unique_ptr<model::CodeableConceptT> makeConcept(std::string_view system,
                                                                          std::string_view code,
                                                                          std::string_view display) {
  auto c = std::make_unique<model::CodeableConceptT>();
  c->coding = makeCoding(system, code, display);
  c->text = display;
  return c;
}

template <class T>
[[nodiscard]] std::unique_ptr<T> boxed(const T& value) {
  return std::make_unique<T>(value);
}

// The identifier of `system` in a list, or nullptr.
template <class Ids>
[[nodiscard]] const model::IdentifierT* findIdentifier(const Ids& ids, std::string_view system) {
  for (const auto& id : ids) {
    if (id && id->system == system) return id.get();
  }
  return nullptr;
}

}  // namespace metrogw::sim
