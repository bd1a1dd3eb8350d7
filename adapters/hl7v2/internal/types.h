#pragma once
// HL7 v2 data types <-> canonical model pieces: TS/DTM times, CE/CWE codes, CX/EI identifiers,
// XCN/PL references, XTN telecom, XAD addresses. Shared by the message mappers. Stateless.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/er7.h"
#include "adapters/hl7v2/writer.h"
#include "adapters/mapping.h"
#include "common/status.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v2::internal {

// Wuhu local code systems (HL7 v2 "L" / "99xxx" coding systems in the Wuhu platform's messages).
inline constexpr std::string_view kWuhuDepartmentSystem = "urn:metrogw:codes:3402:department";
inline constexpr std::string_view kWuhuLabSystem = "urn:metrogw:codes:3402:lab-item";
// Offset assumed for a time of day without one (the Wuhu platform runs on China Standard Time).
inline constexpr std::string_view kDefaultOffset = "+08:00";

// -- times --------------------------------------------------------------------------------------
// "YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]" -> "YYYY-MM-DD" / "YYYY-MM-DDThh:mm[:ss[.f]]+hh:mm" ("Z"
// for +0000). False when `ts` is not a time.
[[nodiscard]] bool hl7TimeToIso(std::string_view ts, std::string& out);
// The reverse; returns its input when it is not an ISO time.
[[nodiscard]] std::string isoToHl7Time(std::string_view iso);
// Element -> ISO time into `out` (empty stays empty); error "<pos>: invalid date/time".
[[nodiscard]] Status readTime(const Segment& seg, int f, int c, int s, std::string& out);
[[nodiscard]] Status readTime(const Segment& seg, Element e, int f, int c, std::string& out);

// -- codes --------------------------------------------------------------------------------------
// How a code field maps: the table for `alt`, the system HL7 "L"/"99xxx"/empty means.
struct CodeContext {
  std::optional<Table> table;
  std::string_view local_system;    // "" keeps "L" as the system
  std::string_view default_system;  // used when CE.3 is empty (e.g. "HL70002"); overrides local
};
[[nodiscard]] std::string systemFromHl7(std::string_view abbrev, const CodeContext& ctx = {});
[[nodiscard]] std::string systemToHl7(std::string_view system, const CodeContext& ctx = {});
// CE/CWE (code^text^system^altcode^alttext^altsystem^^^originaltext) -> Coding / CodeableConcept.
[[nodiscard]] std::unique_ptr<model::CodingT> makeCoding(std::string_view system, std::string_view code,
                                                         std::string_view display);
[[nodiscard]] std::unique_ptr<model::CodingT> readCoding(Element ce, const CodeContext& ctx = {});
[[nodiscard]] std::unique_ptr<model::CodeableConceptT> readConcept(Element ce, const CodeContext& ctx = {});
void writeCoding(SegmentBuilder& b, int f, size_t r, const model::CodingT* coding,
                 const CodeContext& ctx = {});
void writeConcept(SegmentBuilder& b, int f, size_t r, const model::CodeableConceptT* cc,
                  const CodeContext& ctx = {});

// -- identifiers and references -----------------------------------------------------------------
// CX: id^check^scheme^authority(HD ns&uid&type)^type^facility.
[[nodiscard]] std::unique_ptr<model::IdentifierT> readCx(Element cx);
void writeCx(SegmentBuilder& b, int f, size_t r, const model::IdentifierT& id);
// EI: id^namespace^universal id^type. `type` goes to Identifier.type.
[[nodiscard]] std::unique_ptr<model::IdentifierT> readEi(Element ei, std::string_view type);
void writeEi(SegmentBuilder& b, int f, const model::IdentifierT* id);
// XCN / CNN: id^family^given^middle -> Reference{kind, id, display = "family given middle"}.
[[nodiscard]] std::unique_ptr<model::ReferenceT> readXcn(Element xcn, std::string_view kind);
[[nodiscard]] std::unique_ptr<model::ReferenceT> readCnn(Element cnn, std::string_view kind);
void writeXcn(SegmentBuilder& b, int f, size_t r, const model::ReferenceT* ref);
// Joins non-empty parts with a space.
[[nodiscard]] std::string joinNames(std::initializer_list<std::string> parts);

// -- contact data -------------------------------------------------------------------------------
// XTN; `use` is "home" (PID-13) or "work" (PID-14); equipment CP gives "mobile".
[[nodiscard]] std::unique_ptr<model::ContactPointT> readXtn(Element xtn, std::string_view use);
void writeXtn(SegmentBuilder& b, int f, size_t r, const model::ContactPointT& cp);
[[nodiscard]] std::unique_ptr<model::AddressT> readXad(Element xad);
void writeXad(SegmentBuilder& b, int f, size_t r, const model::AddressT& a);

// True when `s` is an OID ("1.2.3") or a URI ("urn:..", "http://..").
[[nodiscard]] bool isOidOrUri(std::string_view s);
[[nodiscard]] std::string lower(std::string_view s);

}  // namespace metrogw::adapters::hl7v2::internal
