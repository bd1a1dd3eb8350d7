#pragma once
// XML plumbing for the hl7v3-cda codec: a bounded parse (size, depth, no DOCTYPE), namespace-blind
// lookups by local name (urn:hl7-org:v3 is the only vocabulary; prefixes are ignored), XML paths
// for error messages, and a small streaming writer for encode().
//
// Reading helpers never allocate for lookups; the returned string_views alias the parsed document.

#include <pugixml.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace metrogw::adapters::hl7v3 {

inline constexpr size_t kMaxMessageBytes = size_t{8} * 1024 * 1024;
inline constexpr size_t kMaxDepth = 64;

// Parses `text` into `doc`. Refuses oversize input, DOCTYPE declarations (no entity expansion,
// ever), and nesting beyond kMaxDepth. Tolerates one untidiness seen in real documents: attributes
// without whitespace between them (`a="1"b="2"`).
[[nodiscard]] Status parseXml(std::string_view text, pugi::xml_document& doc);

// The local part of a qualified name ("hl7:id" -> "id").
[[nodiscard]] std::string_view localName(const char* name);

// First child element with this local name (empty node when absent).
[[nodiscard]] pugi::xml_node child(pugi::xml_node node, std::string_view local);
// child(child(node, a), b) ... along a '/'-separated path of local names.
[[nodiscard]] pugi::xml_node descend(pugi::xml_node node, std::string_view path);
// Every child element with this local name, in document order.
[[nodiscard]] std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view local);
// Attribute value by local name, trimmed like text() ("" when absent). Both are trimmed so that a
// value reads the same whether it was given as an attribute or as element text: the writer may
// choose the other spelling (a PQ @unit written back as an ST unit observation, an AD part as a CDA
// address element, a CD @code as an ST item).
[[nodiscard]] std::string_view attr(pugi::xml_node node, std::string_view local);
// Text content of an element (first PCDATA/CDATA child), trimmed.
[[nodiscard]] std::string_view text(pugi::xml_node node);
// `s` without leading and trailing XML whitespace (space, tab, CR, LF).
[[nodiscard]] std::string_view trim(std::string_view s);
// xsi:type without its prefix ("CD", "PQ", ...).
[[nodiscard]] std::string_view xsiType(pugi::xml_node node);

// "/ClinicalDocument/recordTarget/patientRole/id[2]": local names, 1-based index where the name
// repeats among siblings.
[[nodiscard]] std::string xmlPath(pugi::xml_node node);
// Status::malformedMessage("<path of node><suffix>: <what>").
[[nodiscard]] Status xmlError(pugi::xml_node node, std::string_view suffix, std::string_view what);

// Streaming writer. open() starts an element; attr() adds attributes until content is written;
// close() ends the innermost element ("/>" when it stayed empty). Values are escaped.
class XmlWriter {
 public:
  XmlWriter();
  void open(std::string_view name);
  void attr(std::string_view name, std::string_view value);
  // attr() only when value is non-empty.
  void optAttr(std::string_view name, std::string_view value);
  void text(std::string_view value);
  void close();
  // <name a="v"/> with one optional attribute, skipped entirely when value is empty.
  void leaf(std::string_view name, std::string_view attr_name, std::string_view value);
  // The document (closes anything still open).
  [[nodiscard]] std::string finish();

 private:
  void endStartTag();
  void escape(std::string_view value, bool attribute);
  std::string out_;
  std::vector<std::string> stack_;
  bool tag_open_ = false;
  bool has_child_ = false;
};

}  // namespace metrogw::adapters::hl7v3

namespace metrogw::adapters::hl7v3 {
// The element at a '/'-separated path of local names under `node`, or an error naming the first
// missing step ("/PRPA_IN201311UV02/controlActProcess/subject: missing").
[[nodiscard]] StatusOr<pugi::xml_node> require(pugi::xml_node node, std::string_view path);
}  // namespace metrogw::adapters::hl7v3
