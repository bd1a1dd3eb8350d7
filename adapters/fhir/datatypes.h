#pragma once
// FHIR R4 data types <-> canonical model types (Coding, CodeableConcept, Identifier, HumanName,
// ContactPoint, Address, Reference, Period) and metrogw extensions.
//
// Conventions (both directions, so that decode(encode(x)) == x):
//  - CodeableConcept.coding[0] is the source coding; further codings and table mappings are `alt`.
//  - Identifier.system "urn:oid:<oid>" <-> "<oid>" (only when <oid> is digits and dots, so any
//    other system, "urn:oid:" prefixed or not, passes through unchanged both ways); type =
//    type.coding[0].code; assigner = display.
//  - Reference "Kind/id" (or a URL ending so) <-> kind + id; "type" when only the kind is known
//    or when it has a '/' (then "reference" is the id alone); the owning city is the extension
//    kExtBase + "city".
//  - One HumanName: the "official" one, else the first.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/fhir/json.h"
#include "model/model.h"

namespace metrogw::adapters::fhir {

inline constexpr std::string_view kExtBase = "http://metrogw.example/fhir/StructureDefinition/";

// Which mapping table applies to a CodeableConcept.
enum class Mapping { kNone, kDepartments, kLabItems };

template <class T>
using Ptr = std::unique_ptr<T>;
template <class T>
using PtrList = std::vector<std::unique_ptr<T>>;

// Identifier system: model form (bare OID) <-> FHIR URI ("urn:oid:<oid>"), see the conventions.
[[nodiscard]] std::string systemToUri(std::string_view system);
[[nodiscard]] std::string systemFromUri(std::string_view uri);

// -- decode (every `obj` is an object node; absent members leave outputs untouched) -----------
[[nodiscard]] Status decodeCoding(const Node& n, model::CodingT& out);
[[nodiscard]] Status decodeConcept(const Node& n, Mapping mapping, model::CodeableConceptT& out);
[[nodiscard]] Status decodeConcept(const Node& obj, std::string_view key, Mapping mapping,
                                   Ptr<model::CodeableConceptT>& out);
[[nodiscard]] Status decodeConcepts(const Node& obj, std::string_view key, Mapping mapping,
                                    PtrList<model::CodeableConceptT>& out);
// The first string of the string array member `key`.
[[nodiscard]] Status getFirstString(const Node& obj, std::string_view key, std::string& out);
// The first coding of the CodeableConcept member `key`.
[[nodiscard]] Status decodeFirstCoding(const Node& obj, std::string_view key, Ptr<model::CodingT>& out);
[[nodiscard]] Status decodeIdentifier(const Node& n, model::IdentifierT& out);
[[nodiscard]] Status decodeIdentifiers(const Node& obj, std::string_view key,
                                       PtrList<model::IdentifierT>& out);
[[nodiscard]] Status decodeName(const Node& obj, std::string_view key, Ptr<model::HumanNameT>& out);
[[nodiscard]] Status decodeTelecom(const Node& obj, std::string_view key, PtrList<model::ContactPointT>& out);
[[nodiscard]] Status decodeAddress(const Node& n, model::AddressT& out);
[[nodiscard]] Status decodeReference(const Node& n, model::ReferenceT& out);
[[nodiscard]] Status decodeReference(const Node& obj, std::string_view key, Ptr<model::ReferenceT>& out);
[[nodiscard]] Status decodePeriod(const Node& obj, std::string_view key, Ptr<model::PeriodT>& out);
// Splits "Kind/id" (also "http://x/fhir/Kind/id"); no slash: kind empty, id = ref.
void splitReference(std::string_view ref, std::string& kind, std::string& id);

// metrogw extensions by name (the URL is kExtBase + name).
template <class F>
[[nodiscard]] Status forEachExtension(const Node& obj, std::string_view name, F&& f) {
  return forEachObject(obj, "extension", [&](const Node& ext) -> Status {
    const JsonValue* url = ext.find("url");
    if (url == nullptr) return ext.missing("url");
    if (!isString(*url)) return Node(*url, &ext, "url").error("expected a string");
    const std::string_view u = stringOf(*url);
    if (u.size() != kExtBase.size() + name.size() || u.substr(0, kExtBase.size()) != kExtBase ||
        u.substr(kExtBase.size()) != name) {
      return Status::ok();
    }
    return f(ext);
  });
}
[[nodiscard]] Status extString(const Node& obj, std::string_view name, std::string& out);
[[nodiscard]] Status extUint(const Node& obj, std::string_view name, uint64_t max, uint64_t& out);
[[nodiscard]] Status extReference(const Node& obj, std::string_view name, Ptr<model::ReferenceT>& out);
[[nodiscard]] Status extCoding(const Node& obj, std::string_view name, Ptr<model::CodingT>& out);
[[nodiscard]] Status extConcepts(const Node& obj, std::string_view name, Mapping mapping,
                                 PtrList<model::CodeableConceptT>& out);

// -- encode ---------------------------------------------------------------------------------
void writeCoding(Out& o, const model::CodingT& c);
void writeConcept(Out& o, const model::CodeableConceptT& c);
void writeConcept(Out& o, std::string_view key, const Ptr<model::CodeableConceptT>& c);
void writeConcepts(Out& o, std::string_view key, const PtrList<model::CodeableConceptT>& list);
// {"coding": [c]} under `key`.
void writeCodingAsConcept(Out& o, std::string_view key, const Ptr<model::CodingT>& c);
void writeIdentifier(Out& o, const model::IdentifierT& id);
void writeIdentifiers(Out& o, std::string_view key, const PtrList<model::IdentifierT>& list);
void writeName(Out& o, std::string_view key, const Ptr<model::HumanNameT>& name);
void writeTelecom(Out& o, std::string_view key, const PtrList<model::ContactPointT>& list);
void writeAddress(Out& o, const model::AddressT& a);
void writeReference(Out& o, const model::ReferenceT& r);
void writeReference(Out& o, std::string_view key, const Ptr<model::ReferenceT>& r);
void writePeriod(Out& o, std::string_view key, const Ptr<model::PeriodT>& p);

// Writes "extension": [...] with only the items that have a value.
class Extensions {
 public:
  explicit Extensions(Out& o) : o_(o) {}
  ~Extensions() { close(); }
  Extensions(const Extensions&) = delete;
  Extensions& operator=(const Extensions&) = delete;
  void string(std::string_view name, std::string_view value);
  void uint(std::string_view name, uint64_t value, uint64_t default_value);
  void reference(std::string_view name, const Ptr<model::ReferenceT>& r);
  void coding(std::string_view name, const Ptr<model::CodingT>& c);
  void codeableConcept(std::string_view name, const model::CodeableConceptT& c);
  void close();

 private:
  void begin(std::string_view name);
  Out& o_;
  bool open_ = false;
};

}  // namespace metrogw::adapters::fhir
