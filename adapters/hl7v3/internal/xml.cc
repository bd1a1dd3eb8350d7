// XML plumbing for the hl7v3-cda codec, see xml.h.
#include "adapters/hl7v3/internal/xml.h"

#include <algorithm>
#include <utility>

namespace metrogw::adapters::hl7v3 {
namespace {

constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_doctype;

bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }

// Inserts the missing space in `a="1"b="2"` inside start tags. Quotes are tracked so values are
// never touched.
std::string separateAttributes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool in_tag = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    out.push_back(c);
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
        if (i + 1 < text.size() && isNameStart(text[i + 1])) out.push_back(' ');
      }
    } else if (in_tag) {
      if (c == '"' || c == '\'') quote = c;
      if (c == '>') in_tag = false;
    } else if (c == '<') {
      in_tag = true;
    }
  }
  return out;
}

Status checkTree(const pugi::xml_document& doc) {
  for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_doctype) return Status::malformedMessage("/: DOCTYPE is not allowed");
  }
  if (!doc.document_element()) return Status::malformedMessage("/: no root element");
  // Iterative walk: nothing downstream recurses deeper than kMaxDepth.
  size_t depth = 1;
  pugi::xml_node n = doc.document_element();
  while (n) {
    if (depth > kMaxDepth) return xmlError(n, "", "nested too deep");
    pugi::xml_node first = n.first_child();
    if (first && first.type() == pugi::node_element) {
      n = first;
      ++depth;
      continue;
    }
    for (pugi::xml_node c = first; c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element) {
        n = c;
        ++depth;
        goto next;
      }
    }
    while (n && depth > 0) {
      pugi::xml_node s = n.next_sibling();
      while (s && s.type() != pugi::node_element) s = s.next_sibling();
      if (s) {
        n = s;
        goto next;
      }
      n = n.parent();
      --depth;
      if (depth == 0) return Status::ok();
    }
    return Status::ok();
  next:;
  }
  return Status::ok();
}

}  // namespace

Status parseXml(std::string_view text, pugi::xml_document& doc) {
  if (text.size() > kMaxMessageBytes) return Status::malformedMessage("/: message too large");
  pugi::xml_parse_result r = doc.load_buffer(text.data(), text.size(), kParseOptions, pugi::encoding_utf8);
  if (r.status == pugi::status_bad_attribute) {
    const std::string repaired = separateAttributes(text);
    r = doc.load_buffer(repaired.data(), repaired.size(), kParseOptions, pugi::encoding_utf8);
  }
  if (!r) {
    return Status::malformedMessage("/: not well-formed XML at byte " + std::to_string(r.offset) + " (" +
                                    r.description() + ")");
  }
  return checkTree(doc);
}

std::string_view localName(const char* name) {
  std::string_view n(name);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && localName(c.name()) == local) return c;
  }
  return {};
}

pugi::xml_node descend(pugi::xml_node node, std::string_view path) {
  while (node && !path.empty()) {
    const size_t slash = path.find('/');
    node = child(node, path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return node;
}

std::vector<pugi::xml_node> children(pugi::xml_node node, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && localName(c.name()) == local) out.push_back(c);
  }
  return out;
}

std::string_view attr(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (localName(a.name()) == local) return trim(a.value());
  }
  return {};
}

std::string_view trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string_view text(pugi::xml_node node) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      const std::string_view v = trim(c.value());
      if (!v.empty()) return v;
    }
  }
  return {};
}

std::string_view xsiType(pugi::xml_node node) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    std::string_view name(a.name());
    if (name == "xsi:type" || (localName(a.name()) == "type" && name.find(':') != std::string_view::npos)) {
      return localName(a.value());
    }
  }
  return {};
}

std::string xmlPath(pugi::xml_node node) {
  std::vector<std::string> parts;
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    const std::string_view name = localName(n.name());
    size_t index = 1;
    size_t total = 0;
    for (pugi::xml_node s = n.parent().first_child(); s; s = s.next_sibling()) {
      if (s.type() != pugi::node_element || localName(s.name()) != name) continue;
      ++total;
      if (s == n) index = total;
    }
    std::string part(name);
    if (total > 1) part += "[" + std::to_string(index) + "]";
    parts.push_back(std::move(part));
  }
  std::reverse(parts.begin(), parts.end());
  std::string out;
  for (const std::string& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

Status xmlError(pugi::xml_node node, std::string_view suffix, std::string_view what) {
  std::string msg = xmlPath(node);
  msg += suffix;
  msg += ": ";
  msg += what;
  return Status::malformedMessage(std::move(msg));
}

XmlWriter::XmlWriter() { out_.reserve(4096); }

void XmlWriter::endStartTag() {
  if (tag_open_) {
    out_ += '>';
    tag_open_ = false;
  }
}

void XmlWriter::open(std::string_view name) {
  endStartTag();
  if (!out_.empty()) {
    out_ += '\n';
    out_.append(stack_.size() * 2, ' ');
  }
  out_ += '<';
  out_ += name;
  stack_.emplace_back(name);
  tag_open_ = true;
  has_child_ = false;
}

void XmlWriter::attr(std::string_view name, std::string_view value) {
  if (!tag_open_) return;
  out_ += ' ';
  out_ += name;
  out_ += "=\"";
  escape(value, true);
  out_ += '"';
}

void XmlWriter::optAttr(std::string_view name, std::string_view value) {
  if (!value.empty()) attr(name, value);
}

void XmlWriter::text(std::string_view value) {
  endStartTag();
  escape(value, false);
  has_child_ = false;
}

void XmlWriter::close() {
  if (stack_.empty()) return;
  if (tag_open_) {
    out_ += "/>";
    tag_open_ = false;
  } else {
    if (has_child_) {
      out_ += '\n';
      out_.append((stack_.size() - 1) * 2, ' ');
    }
    out_ += "</";
    out_ += stack_.back();
    out_ += '>';
  }
  stack_.pop_back();
  has_child_ = true;
}

void XmlWriter::leaf(std::string_view name, std::string_view attr_name, std::string_view value) {
  if (value.empty()) return;
  open(name);
  attr(attr_name, value);
  close();
}

std::string XmlWriter::finish() {
  while (!stack_.empty()) close();
  out_ += '\n';
  return std::move(out_);
}

void XmlWriter::escape(std::string_view value, bool attribute) {
  for (char c : value) {
    switch (c) {
      case '&': out_ += "&amp;"; break;
      case '<': out_ += "&lt;"; break;
      case '>': out_ += "&gt;"; break;
      case '"': out_ += attribute ? "&quot;" : "\""; break;
      case '\n': out_ += attribute ? "&#10;" : "\n"; break;
      case '\r': out_ += "&#13;"; break;
      case '\t': out_ += attribute ? "&#9;" : "\t"; break;
      default: out_ += c;
    }
  }
}

}  // namespace metrogw::adapters::hl7v3

namespace metrogw::adapters::hl7v3 {
StatusOr<pugi::xml_node> require(pugi::xml_node node, std::string_view path) {
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view step = path.substr(0, slash);
    pugi::xml_node next = child(node, step);
    if (!next) return xmlError(node, "/" + std::string(step), "missing");
    node = next;
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return node;
}
}  // namespace metrogw::adapters::hl7v3
