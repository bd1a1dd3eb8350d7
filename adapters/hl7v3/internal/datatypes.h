#pragma once
// HL7 v3 data types <-> canonical model: TS (times), II (identifiers), CD (codes), EN (names),
// AD (addresses), TEL. Two spellings exist in the national specs and both are read:
//   messages (WS/T 790 style): <name xsi:type="LIST_EN"><item><part value="..."/></item></name>,
//                              <code code=".." codeSystem=".."><displayName value=".."/></code>
//   CDA (WS/T 500):            <name>..</name>, <code code=".." codeSystem=".." displayName=".."/>
// Writers take a Style to produce the spelling of the message they are part of.

#include <string>
#include <string_view>

#include "adapters/hl7v3/internal/xml.h"
#include "common/status.h"
#include "model/model.h"

namespace metrogw::adapters::hl7v3 {

enum class Style { kMessage, kCda };

// v3 TS "20130116112855[.fff][+0800]" -> "2013-01-16T11:28:55+08:00" (no zone means China
// Standard Time, +08:00). Dates stay dates. "" and all-zero values ("00000000") give "".
// Separators some platforms add ("2013-01-16 11:28:55") are tolerated.
[[nodiscard]] StatusOr<std::string> tsToIso(std::string_view ts);
// The inverse (canonical -> TS); "" for "".
[[nodiscard]] std::string isoToTs(std::string_view iso);
// tsToIso of node/@value, errors located at the attribute.
[[nodiscard]] StatusOr<std::string> readTs(pugi::xml_node node);
void writeTs(XmlWriter& w, std::string_view name, std::string_view iso);

// II: root -> system, extension -> value. Message style wraps in <id><item .../></id>.
[[nodiscard]] model::IdentifierT readIi(pugi::xml_node node);
void writeIi(XmlWriter& w, std::string_view name, const model::IdentifierT& id);
// Every II under a message-style DSET_II (<id><item/>...</id>) or a single CDA <id/>.
void readIds(pugi::xml_node id, std::vector<std::unique_ptr<model::IdentifierT>>& out);
[[nodiscard]] bool isNullIi(const model::IdentifierT& id);

// CD / CE / CV.
[[nodiscard]] model::CodingT readCd(pugi::xml_node node);
void writeCd(XmlWriter& w, std::string_view name, const model::CodingT& coding, Style style);
void writeCdAttrs(XmlWriter& w, const model::CodingT& coding, Style style);

// EN: the full name as text (Chinese names come whole); message style reads every part.
[[nodiscard]] std::string readName(pugi::xml_node node);
void writeName(XmlWriter& w, std::string_view name, std::string_view value, Style style);

// AD, both spellings: message LIST_AD parts (SAL, STA, CTY, CNT, STB, STR, BNR, ZIP, ...) and
// CDA elements (state, city, county, township, streetName, houseNumber, postalCode, ...).
[[nodiscard]] model::AddressT readAddress(pugi::xml_node node);
void writeAddress(XmlWriter& w, const model::AddressT& address, Style style);

// TEL: "tel:" / "mailto:" / "fax:" schemes, bare numbers are phones.
[[nodiscard]] model::ContactPointT readTelecom(pugi::xml_node node);
[[nodiscard]] std::string telecomUrl(const model::ContactPointT& contact);
[[nodiscard]] std::string_view telecomUse(std::string_view v3_use);
[[nodiscard]] std::string_view v3TelecomUse(std::string_view use);

[[nodiscard]] std::unique_ptr<model::CodingT> codingOrNull(model::CodingT coding);
[[nodiscard]] bool isEmpty(const model::CodingT* coding);

}  // namespace metrogw::adapters::hl7v3
